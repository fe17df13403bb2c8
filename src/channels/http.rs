//! The one HTTP server every paynudge listener runs on (the orders
//! endpoint, the Telegram webhook): axum's router under an accept loop that
//! bounds what a client can hold.
//!
//! `axum::serve` keeps a connection as long as the client likes: 300
//! slow-header connections stayed open for 40 s, and idle ones exhausted the
//! descriptors so a valid POST failed with "Too many open files". Here:
//! - the request head must arrive within `Limits::header` (10 s), and the
//!   same timer closes a keep-alive connection that sends no next request;
//! - a request (body read and answer) must finish within `Limits::request`
//!   (30 s; 408 otherwise);
//! - at most `Limits::connections` are open; past that, new clients wait in
//!   the kernel's backlog until a slot frees, which the timeouts guarantee.

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// What one listener allows a client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a request's head, or the next one on a keep-alive
    /// connection.
    pub header: Duration,
    /// Time for a whole request once its head is in: the body and the answer.
    pub request: Duration,
    /// Connections open at once.
    pub connections: usize,
}

impl Default for Limits {
    /// 10 s, 30 s, and a quarter of the process's descriptor limit (the
    /// database, the bot's own connections and other listeners need the
    /// rest), between 16 and 1,024.
    fn default() -> Limits {
        Limits {
            header: Duration::from_secs(10),
            request: Duration::from_secs(30),
            connections: (descriptors(false) / 4).clamp(16, 1024),
        }
    }
}

impl Limits {
    /// For the listener that holds buyers' open chat pages (an event stream
    /// each): the descriptor limit raised to what the system allows, and
    /// all of it but 512 for clients.
    pub fn for_many_clients() -> Limits {
        Limits {
            connections: descriptors(true).saturating_sub(512).max(16),
            ..Limits::default()
        }
    }
}

/// The process's descriptor limit; with `raise`, first lifted to its hard limit.
fn descriptors(raise: bool) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own and has no other effect.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return 1024;
    }
    if raise && limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we own; raising the soft limit
        // up to the hard one needs no privilege.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open
/// requests finish (up to `Limits::request`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let deadline = limits.request;
    let router = router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            match tokio::time::timeout(deadline, next.run(request)).await {
                Ok(response) => response,
                Err(_) => (StatusCode::REQUEST_TIMEOUT, "request took too long\n").into_response(),
            }
        },
    ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header);
    let slots = Arc::new(Semaphore::new(limits.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors, most likely: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Handlers that limit per address read it as axum's `ConnectInfo`.
        let service = router.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (a timeout, a reset): nothing to do.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(deadline, graceful.shutdown()).await;
}

/// A client's address: the connection's peer, or, when `trust_forwarded`
/// (only behind a proxy that sets it), the last `X-Forwarded-For` entry:
/// the one our proxy added, which the client cannot forge.
pub fn client_address(
    headers: &axum::http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
    trust_forwarded: bool,
) -> Option<std::net::IpAddr> {
    if trust_forwarded {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|addr| addr.ip())
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// Compares secrets (tokens, CSRF values) in time independent of where
/// they differ.
pub fn same_secret(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
