//! The end-to-end test crate: the real `techmatch` binary (built from the same main.rs),
//! a real database and real HTTP. Its tests live in `tests/e2e/`.
