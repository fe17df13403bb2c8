//! The pages: `/chat` (a link from an SMS or a QR code, and the inside of
//! the widget's iframe), its script, and `/widget.js`, the one line a shop
//! puts on its pages.

use super::{PREFIX, Web, chat_of};
use crate::html::escape;
use crate::lang::Lang;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// What a link or the widget tells the page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// Drawn inside the widget (no header of its own).
    embed: Option<String>,
    lang: Option<String>,
    /// A signed order payload (`paynudge link ORDER --web`).
    order: Option<String>,
    /// A logged-in buyer: the shop's id for them and its signature.
    buyer: Option<String>,
    buyer_hash: Option<String>,
}

/// The page's language: the link's, else the browser's first choice of
/// ours, else the shop's.
pub(super) fn language(web: &Web, headers: &HeaderMap, asked: Option<&str>) -> Lang {
    asked
        .and_then(|l| l.parse::<Lang>().ok())
        .or_else(|| {
            // `zh-CN,zh;q=0.9,en;q=0.8`: the first tag whose language is ours.
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())?
                .split(',')
                .find_map(|tag| tag.trim().get(..2)?.parse::<Lang>().ok())
        })
        .unwrap_or(web.engine.config().shop.default_lang)
}

/// The page's texts, from `locales/`, for the script.
fn page_texts(web: &Web, lang: Lang) -> serde_json::Value {
    let t = |key: &str| web.engine.text(lang, key);
    json!({
        "placeholder": t("web-placeholder"),
        "send": t("web-send"),
        "attach": t("web-attach"),
        "reconnecting": t("web-reconnecting"),
        "typing": t("web-typing"),
        "failed": t("web-failed"),
        "imageType": t("web-image-type"),
        "imageTooBig": t("web-image-too-big"),
    })
}

/// The shop-signed buyer, if the query names one: `Err` when it is not
/// genuine (the page says so and goes on anonymously).
fn named_buyer(web: &Web, query: &PageQuery) -> Option<Result<String, ()>> {
    let buyer = query.buyer.as_deref().filter(|b| !b.is_empty())?;
    let hash = query.buyer_hash.as_deref().unwrap_or("");
    let genuine = web
        .engine
        .links()
        .is_some_and(|links| links.verify_buyer(buyer, hash))
        // Anonymous ids are the server's to give.
        && !buyer.starts_with(PREFIX)
        && crate::session::UserId::parse(buyer).is_ok();
    Some(if genuine {
        Ok(buyer.to_string())
    } else {
        tracing::info!("a web page named a buyer without a valid signature");
        Err(())
    })
}

pub async fn page(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let lang = language(&web, &headers, query.lang.as_deref());
    let named = named_buyer(&web, &query);
    let known = chat_of(&web, &headers, None).filter(|c| c.starts_with(PREFIX));
    let (chat, notice, new) = match (named, known) {
        (Some(Ok(buyer)), _) => (buyer, String::new(), false),
        (Some(Err(())), known) => {
            let notice = web.engine.text(lang, "web-identity-invalid");
            let new = known.is_none();
            (known.unwrap_or_else(|| web.visitors.issue()), notice, new)
        }
        (None, Some(known)) => (known, String::new(), false),
        (None, None) => (web.visitors.issue(), String::new(), true),
    };
    let shop = &web.engine.config().shop;
    let title = if lang == Lang::Zh && !shop.name_zh.is_empty() {
        &shop.name_zh
    } else {
        &shop.name
    };
    let token = web.visitors.token(&chat);
    let html = format!(
        include_str!("chat.html"),
        lang = lang.code(),
        title = escape(title),
        texts = escape(&page_texts(&web, lang).to_string()),
        token = escape(&token),
        anonymous = chat.starts_with(PREFIX),
        order = escape(query.order.as_deref().unwrap_or("")),
        notice = escape(&notice),
        embed = if query.embed.is_some() { "embed" } else { "" },
    );
    let mut response = Html(html).into_response();
    if new {
        let cookie = format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{}",
            super::COOKIE,
            if web.engine.config().web.secure_cookie {
                "; Secure"
            } else {
                ""
            }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(policy) = HeaderValue::from_str(&policy(&web.engine.config().web.embed_origins)) {
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// The page's Content-Security-Policy: its own scripts only, and framed
/// only by the shop's sites when the config names them.
fn policy(embed_origins: &[String]) -> String {
    let ancestors = if embed_origins.is_empty() {
        "*".to_string()
    } else {
        format!("'self' {}", embed_origins.join(" "))
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}"
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("chat.js"),
    )
}

/// The embed script, with the launcher's texts in both languages.
pub async fn widget(State(web): State<Arc<Web>>) -> impl IntoResponse {
    let shop = &web.engine.config().shop;
    let texts: serde_json::Map<String, serde_json::Value> = Lang::ALL
        .iter()
        .map(|&lang| {
            let t = |key: &str| web.engine.text(lang, key);
            let title = if lang == Lang::Zh && !shop.name_zh.is_empty() {
                shop.name_zh.clone()
            } else {
                shop.name.clone()
            };
            let texts = json!({ "open": t("web-open"), "close": t("web-close"), "title": title });
            (lang.code().to_string(), texts)
        })
        .collect();
    let script = include_str!("widget.js")
        .replace("__TEXTS__", &serde_json::Value::Object(texts).to_string())
        .replace("__DEFAULT_LANG__", shop.default_lang.code());
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        script,
    )
}
