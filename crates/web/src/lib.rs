//! techmatch-web: the `techmatch` command line and web server.

pub mod app;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod data_lock;
pub mod server;
