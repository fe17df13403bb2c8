//! One-time sign-in links (`paynudge agent link NAME`), for an agent who
//! has no password yet or forgot it: `/desk/link?t=<token>` where the token
//! is `base64url(name \n expires \n nonce)` and an HMAC-SHA256 of it under
//! the web secret (`PAYNUDGE_WEB_SECRET`, which the CLI and the server
//! share through the environment).
//!
//! Opening the link only shows a "sign in as NAME" button: link previews
//! and mail scanners fetch links, and must not use them up. The POST signs
//! in once: the link's nonce is claimed in the store, durably, first use
//! wins, so not even a restart lets it be used again.

use super::signin::Agent;
use super::{AgentDesk, pages};
use crate::channels::http::{cookie, same_secret};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a link names, once its signature and time are checked.
pub struct Link {
    pub name: String,
    nonce: String,
}

fn mac(secret: &[u8], payload: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(b"desk-link:");
    mac.update(payload.as_bytes());
    mac
}

/// A link token for `name`, good until `expires` (Unix seconds).
pub fn sign(secret: &[u8], name: &str, expires: i64) -> Result<String, crate::Error> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| crate::Error::Setup(e.to_string()))?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let payload = URL_SAFE_NO_PAD.encode(format!("{name}\n{expires}\n{nonce}"));
    let tag = URL_SAFE_NO_PAD.encode(mac(secret, &payload).finalize().into_bytes());
    Ok(format!("{payload}.{tag}"))
}

/// The sign-in URL for `name`, a listed agent, good for `minutes`: on
/// `web.public_url`, else the address `web.listen` names.
pub fn sign_in_url(
    config: &crate::Config,
    name: &str,
    minutes: u32,
    secret: &[u8],
) -> Result<String, crate::Error> {
    let name = name.trim();
    if !config.desk.agents.iter().any(|a| a.name.trim() == name) {
        return Err(crate::Error::Setup(format!(
            "{name:?} is not in [[desk.agents]]\nhint: `paynudge agent add {name}` prints the lines to add"
        )));
    }
    let expires = chrono::Utc::now() + chrono::Duration::minutes(i64::from(minutes));
    let token = sign(secret, name, expires.timestamp())?;
    let base = match (&config.web.public_url, &config.web.listen) {
        (url, _) if !url.is_empty() => url.trim_end_matches('/').to_string(),
        (_, Some(listen)) => format!("http://{listen}"),
        _ => "http://127.0.0.1:8080".to_string(),
    };
    Ok(format!("{base}/desk/link?t={token}"))
}

/// The link in `token`, if it is ours and not expired at `now`.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Option<Link> {
    let (payload, tag) = token.trim().split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(secret, payload).verify_slice(&tag).ok()?;
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let mut parts = text.split('\n');
    let (name, expires, nonce) = (parts.next()?, parts.next()?, parts.next()?);
    (expires.parse::<i64>().ok()? > now).then(|| Link {
        name: name.to_string(),
        nonce: nonce.to_string(),
    })
}

impl AgentDesk {
    /// Uses up `link`: `true` the first time it is used, durably.
    pub(super) async fn use_link(&self, link: &Link, session: &str) -> Result<bool, crate::Error> {
        let store = self.engine.store();
        let (holder, commit) = store.claim("desk-link", &link.nonce, session)?;
        crate::store::wait_durable(store, commit).await?;
        Ok(same_secret(&holder, session))
    }

    /// The agent a valid link names, if the config lists them.
    pub(super) fn link_agent(&self, token: &str) -> Option<(Link, crate::config::DeskAgent)> {
        let secret = self.link_secret.as_deref()?;
        let link = verify(secret, token, chrono::Utc::now().timestamp())?;
        let agent = self.sessions.listed(&link.name)?;
        Some((link, agent))
    }
}

/// Whether the request carries the link page's own form cookie.
pub(super) fn form_matches(headers: &axum::http::HeaderMap, form: &str) -> bool {
    cookie(headers, super::signin::FORM_COOKIE).is_some_and(|c| same_secret(c, form))
}

/// The page a link opens: one button, or why the link cannot be used.
pub(super) fn page(desk: &AgentDesk, token: &str, form: &str) -> maud::Markup {
    let lang = desk.engine.config().shop.default_lang;
    let t = |key: &str| desk.text(lang, key);
    let named = desk.link_agent(token);
    pages::layout(
        desk,
        lang,
        None::<&Agent>,
        maud::html! {
            h1 { (t("desk-signin-title")) }
            @if let Some((_, agent)) = named {
                form.signin method="post" action="/desk/link" {
                    input type="hidden" name="form" value=(form);
                    input type="hidden" name="t" value=(token);
                    button type="submit" {
                        (desk.engine.text_with(lang, "desk-link-sign-in", &[("agent", agent.name.trim())]))
                    }
                }
            } @else {
                p.problem role="alert" { (t("desk-link-invalid")) }
                a href="/desk/signin" { (t("desk-signin")) }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_until_it_expires_and_not_after_any_change() {
        let secret = b"a web secret for the link tests";
        let token = sign(secret, "Amy", 1_000).unwrap();
        assert_eq!(verify(secret, &token, 999).unwrap().name, "Amy");
        assert!(verify(secret, &token, 1_000).is_none(), "expired");
        assert!(verify(b"another secret entirely", &token, 0).is_none());
        let (payload, tag) = token.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap())
                .unwrap()
                .replace("Amy", "Bob"),
        );
        assert!(verify(secret, &format!("{forged}.{tag}"), 0).is_none());
        assert_ne!(sign(secret, "Amy", 1_000).unwrap(), token, "a fresh nonce");
    }
}
