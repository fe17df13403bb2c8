//! Channels: the edges buyers talk through. Each turns its own input into
//! `Engine::handle` calls and shows the `Reply`; none reaches past the engine.

pub mod console;
pub mod http;
pub mod orders_http;
pub mod telegram;
