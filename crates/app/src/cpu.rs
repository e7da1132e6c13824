//! Searching and matching cost milliseconds of CPU each, more on a large index. Run
//! directly on an async worker they stall every other request queued on that worker,
//! including ones that only wait for the database: under load a posting or a moderation
//! decision then waits for other people's searches. `block_in_place` hands the worker's
//! queued tasks to another thread while the work runs.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs CPU-bound index work without holding up the async workers.
pub fn index_work<T>(work: impl FnOnce() -> T) -> T {
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        // A single-threaded runtime has no other worker to hand tasks to.
        _ => work(),
    }
}
