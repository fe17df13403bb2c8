//! Who may use the desk: the agents in the config, each with an argon2
//! password hash. A sign-in gives a random session token (an HttpOnly,
//! SameSite=Strict cookie limited to `/desk`) and a CSRF token every form
//! carries back. Failed sign-ins in a row, for one name or from one
//! address, lock further tries for a while.
//!
//! Sessions live in this process's memory: a restart signs agents out,
//! which costs them one sign-in and keeps no secret on disk.

use super::{AgentDesk, pages};
use crate::channels::http::{cookie, same_secret};
use crate::config;
use crate::lang::Lang;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Extension, Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const COOKIE: &str = "pn_desk";
/// The sign-in form's own token (a double-submit cookie): a site cannot
/// sign an agent into an account of its choosing.
pub(super) const FORM_COOKIE: &str = "pn_desk_form";

/// A signed-in agent, as a request sees them.
#[derive(Debug, Clone)]
pub struct Agent {
    pub name: String,
    pub lang: Lang,
    pub csrf: String,
}

struct Session {
    agent: Agent,
    until: Instant,
}

#[derive(Default)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
}

pub struct Sessions {
    agents: HashMap<String, config::DeskAgent>,
    /// Token → session. A std mutex, held only to look up or change one.
    open: Mutex<HashMap<String, Session>>,
    /// "name:<name>" or "addr:<ip>" → failures in a row.
    failures: Mutex<HashMap<String, Failures>>,
    lock_after: u32,
    lock_for: Duration,
    session_for: Duration,
    /// Checked against when the name is unknown, so that the time taken
    /// says nothing about which names exist.
    decoy: String,
}

impl Sessions {
    pub fn new(config: &config::Desk) -> Sessions {
        Sessions {
            agents: config
                .agents
                .iter()
                .map(|a| (a.name.trim().to_string(), a.clone()))
                .collect(),
            open: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            lock_after: config.lock_after_failures,
            lock_for: Duration::from_secs(u64::from(config.lock_minutes) * 60),
            session_for: Duration::from_secs(u64::from(config.session_hours) * 3600),
            decoy: hash_password(&random_token()).unwrap_or_default(),
        }
    }

    /// The agent whose session cookie this request carries, if it is open.
    pub fn agent(&self, headers: &HeaderMap) -> Option<Agent> {
        let token = cookie(headers, COOKIE)?;
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let session = open.get(token)?;
        if session.until <= Instant::now() {
            open.remove(token);
            return None;
        }
        Some(session.agent.clone())
    }

    /// Minutes left on a lock for this name or this address, if either is locked.
    fn locked(&self, keys: &[String]) -> Option<u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        keys.iter()
            .filter_map(|k| failures.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs().div_ceil(60).max(1))
            .max()
    }

    fn failed(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: a flood of made-up names cannot grow the map forever.
        if failures.len() > 100_000 {
            let now = Instant::now();
            failures.retain(|_, f| f.locked_until.is_some_and(|u| u > now));
        }
        for key in keys {
            let f = failures.entry(key.clone()).or_default();
            f.count += 1;
            if f.count >= self.lock_after {
                f.count = 0;
                f.locked_until = Some(Instant::now() + self.lock_for);
            }
        }
    }

    /// The agent the config lists under `name`.
    pub(super) fn listed(&self, name: &str) -> Option<config::DeskAgent> {
        self.agents.get(name.trim()).cloned()
    }

    fn open_session(&self, agent: &config::DeskAgent, keys: &[String]) -> String {
        {
            let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            for key in keys {
                failures.remove(key);
            }
        }
        let token = random_token();
        self.admit(&token, agent);
        token
    }

    /// Opens a session under `token` for `agent`.
    fn admit(&self, token: &str, agent: &config::DeskAgent) {
        let session = Session {
            agent: Agent {
                name: agent.name.trim().to_string(),
                lang: agent.lang,
                csrf: random_token(),
            },
            until: Instant::now() + self.session_for,
        };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        open.retain(|_, s| s.until > now);
        open.insert(token.to_string(), session);
    }

    fn close(&self, headers: &HeaderMap) {
        if let Some(token) = cookie(headers, COOKIE) {
            self.open
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(token);
        }
    }
}

/// 256 bits from the operating system's generator, hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random generator");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id hash of `password`, as the config's `password_hash`.
pub fn hash_password(password: &str) -> Result<String, crate::Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| crate::Error::Setup(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| crate::Error::Setup(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::Error::Setup(format!("hashing the password failed: {e}")))
}

/// The `[[desk.agents]]` lines for a new agent: the name checked, the
/// password hashed (never printed, never stored).
pub fn config_lines(name: &str, password: &str) -> Result<String, crate::Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.contains(['"', '\\']) {
        return Err(crate::Error::Setup(
            "the agent's name must be 1 to 40 characters, without quotes or backslashes".into(),
        ));
    }
    if password.chars().count() < 10 {
        return Err(crate::Error::Setup(
            "the password must have at least 10 characters".into(),
        ));
    }
    let hash = hash_password(password)?;
    Ok(format!(
        "[[desk.agents]]\nname = \"{name}\"\npassword_hash = \"{hash}\""
    ))
}

fn cookie_flags(desk: &AgentDesk) -> &'static str {
    if desk.engine.config().web.secure_cookie {
        "; Secure"
    } else {
        ""
    }
}

#[derive(Deserialize)]
pub struct SignIn {
    name: String,
    password: String,
    form: String,
}

/// `GET /desk/signin`.
pub async fn form(State(desk): State<Arc<AgentDesk>>) -> Response {
    signin_page(
        &desk,
        desk.engine.config().shop.default_lang,
        None,
        StatusCode::OK,
    )
}

fn signin_page(
    desk: &AgentDesk,
    lang: Lang,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let form = random_token();
    let set = format!(
        "{FORM_COOKIE}={form}; Path=/desk; HttpOnly; SameSite=Strict{}",
        cookie_flags(desk)
    );
    let mut page = pages::respond(status, pages::signin(desk, lang, &form, problem.as_deref()));
    if let Ok(value) = header::HeaderValue::from_str(&set) {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    page
}

/// `POST /desk/signin`.
pub async fn sign_in(
    State(desk): State<Arc<AgentDesk>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<SignIn>,
) -> Response {
    let lang = desk.engine.config().shop.default_lang;
    let text = |key: &str| desk.text(lang, key);
    if !cookie(&headers, FORM_COOKIE).is_some_and(|c| same_secret(c, &form.form)) {
        return signin_page(
            &desk,
            lang,
            Some(text("desk-form-expired")),
            StatusCode::FORBIDDEN,
        );
    }
    let name = form.name.trim().to_string();
    let mut keys = vec![format!("name:{name}")];
    // Behind a proxy every agent comes from the proxy: the address it saw.
    let trust = desk.engine.config().web.trust_forwarded_for;
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    if let Some(addr) = crate::channels::http::client_address(&headers, peer, trust) {
        keys.push(format!("addr:{addr}"));
    }
    if let Some(minutes) = desk.sessions.locked(&keys) {
        let minutes = minutes.to_string();
        let said = desk
            .engine
            .text_with(lang, "desk-locked", &[("minutes", &minutes)]);
        return signin_page(&desk, lang, Some(said), StatusCode::TOO_MANY_REQUESTS);
    }
    let agent = desk.sessions.agents.get(&name).cloned();
    let hash = agent
        .as_ref()
        .map_or_else(|| desk.sessions.decoy.clone(), |a| a.password_hash.clone());
    let password = form.password;
    let verified = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    match agent {
        Some(agent) if verified => {
            let token = desk.sessions.open_session(&agent, &keys);
            signed_in(&desk, &agent, &token, "password")
        }
        _ => {
            desk.sessions.failed(&keys);
            signin_page(
                &desk,
                lang,
                Some(text("desk-signin-failed")),
                StatusCode::UNAUTHORIZED,
            )
        }
    }
}

/// The answer that starts a signed-in agent's session: the cookie, then the queue.
fn signed_in(desk: &AgentDesk, agent: &config::DeskAgent, token: &str, how: &str) -> Response {
    tracing::info!(agent = %agent.name.escape_debug(), how, "agent signed in to the desk");
    let set = format!(
        "{COOKIE}={token}; Path=/desk; HttpOnly; SameSite=Strict{}",
        cookie_flags(desk)
    );
    ([(header::SET_COOKIE, set)], Redirect::to("/desk")).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkQuery {
    t: String,
}

/// `GET /desk/link?t=`: a button to sign in with a one-time link.
pub async fn link_form(
    State(desk): State<Arc<AgentDesk>>,
    axum::extract::Query(query): axum::extract::Query<LinkQuery>,
) -> Response {
    let form = random_token();
    let set = format!(
        "{FORM_COOKIE}={form}; Path=/desk; HttpOnly; SameSite=Strict{}",
        cookie_flags(&desk)
    );
    let status = match desk.link_agent(&query.t) {
        Some(_) => StatusCode::OK,
        None => StatusCode::FORBIDDEN,
    };
    let mut page = pages::respond(status, super::link::page(&desk, &query.t, &form));
    if let Ok(value) = header::HeaderValue::from_str(&set) {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    page
}

#[derive(Deserialize)]
pub struct LinkSignIn {
    t: String,
    form: String,
}

/// `POST /desk/link`: signs in once per link.
pub async fn link_sign_in(
    State(desk): State<Arc<AgentDesk>>,
    headers: HeaderMap,
    Form(form): Form<LinkSignIn>,
) -> Response {
    let lang = desk.engine.config().shop.default_lang;
    if !super::link::form_matches(&headers, &form.form) {
        let said = desk.text(lang, "desk-form-expired");
        return signin_page(&desk, lang, Some(said), StatusCode::FORBIDDEN);
    }
    let invalid = || {
        let said = desk.text(lang, "desk-link-invalid");
        signin_page(&desk, lang, Some(said), StatusCode::FORBIDDEN)
    };
    let Some((link, agent)) = desk.link_agent(&form.t) else {
        return invalid();
    };
    let token = random_token();
    match desk.use_link(&link, &token).await {
        Ok(true) => {
            desk.sessions.admit(&token, &agent);
            signed_in(&desk, &agent, &token, "one-time link")
        }
        Ok(false) => invalid(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
pub struct Csrf {
    csrf: String,
}

/// `POST /desk/signout`.
pub async fn sign_out(
    State(desk): State<Arc<AgentDesk>>,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Response {
    if let Some(agent) = desk.sessions.agent(&headers) {
        if !same_secret(&agent.csrf, &form.csrf) {
            return (
                StatusCode::FORBIDDEN,
                desk.text(agent.lang, "desk-form-expired"),
            )
                .into_response();
        }
        desk.sessions.close(&headers);
    }
    let clear = format!("{COOKIE}=; Path=/desk; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, clear)], Redirect::to("/desk/signin")).into_response()
}

/// A handler that takes an `Agent` runs only for a signed-in agent; anyone
/// else is sent to sign in.
impl FromRequestParts<Arc<AgentDesk>> for Agent {
    type Rejection = Redirect;

    async fn from_request_parts(
        parts: &mut Parts,
        desk: &Arc<AgentDesk>,
    ) -> Result<Self, Self::Rejection> {
        desk.sessions
            .agent(&parts.headers)
            .ok_or_else(|| Redirect::to("/desk/signin"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"wrong horse", &parsed)
                .is_err()
        );
    }

    #[test]
    fn tries_lock_after_the_configured_failures() {
        let config = config::Desk {
            lock_after_failures: 3,
            ..config::Desk::default()
        };
        let sessions = Sessions::new(&config);
        let keys = vec!["name:amy".to_string()];
        for _ in 0..2 {
            sessions.failed(&keys);
            assert_eq!(sessions.locked(&keys), None);
        }
        sessions.failed(&keys);
        assert_eq!(sessions.locked(&keys), Some(15));
        assert_eq!(sessions.locked(&["name:bob".to_string()]), None);
    }
}
