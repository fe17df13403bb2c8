//! Channels: the edges buyers talk through. Each turns its own input into
//! `Engine::handle` calls and shows the `Reply`; none reaches past the engine.

pub mod agent_desk;
pub mod console;
pub mod desk;
pub mod http;
pub mod orders_http;
pub mod telegram;
pub mod web;

/// Which of `shards` sharded locks guards `key` (a buyer, a chat): the
/// same key always lands on the same one.
pub(crate) fn shard(key: &str, shards: usize) -> usize {
    let hash = key.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    hash % shards
}

/// Hands memory freed by the allocator back to the system every 30 s.
/// glibc keeps freed heap in its arenas: after a burst of buyers the
/// process stayed at its peak for good (170 MB after 20,000 messages, none
/// returned after a minute idle). A trim of an idle heap takes microseconds.
pub async fn return_freed_memory() {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        every.tick().await;
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only releases free pages; it has no other effect.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Runs a reminder scheduler's `tick` every `reminders.tick_seconds`, the
/// first time at start: what a crash left in flight goes out at once.
pub async fn reminder_ticks<F, T>(engine: &crate::Engine, mut tick: F)
where
    F: FnMut(chrono::DateTime<chrono::Utc>) -> T,
    T: std::future::Future<
            Output = Result<Vec<crate::reminders::Reminder>, crate::reminders::RemindersError>,
        >,
{
    if engine.orders().is_none() {
        return;
    }
    let every = std::time::Duration::from_secs(engine.config().reminders.tick_seconds.into());
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match tick(chrono::Utc::now()).await {
            Ok(sent) if !sent.is_empty() => {
                tracing::info!(count = sent.len(), "payment reminders sent")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "reminder tick failed; it is tried again at the next tick")
            }
        }
    }
}
