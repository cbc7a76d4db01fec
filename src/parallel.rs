//! Two independent computations at once, on two threads where there are threads.
//!
//! The CLI runs on machines with at least two cores; the page's WebAssembly has one thread per
//! worker, so there the two run one after the other. Results never depend on which: callers
//! split work into halves whose results combine exactly (sums, concatenation in order).

/// Runs `left` on this thread and `right` on another (natively), and returns both results.
pub(crate) fn both<L: Send, R: Send>(
    left: impl FnOnce() -> L + Send,
    right: impl FnOnce() -> R + Send,
) -> (L, R) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|scope| {
            let r = scope.spawn(right);
            let l = left();
            match r.join() {
                Ok(r) => (l, r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        (left(), right())
    }
}

/// Whether splitting work over this many items in two is worth a thread: below it, spawning
/// costs more than the half it saves.
pub(crate) fn worth_splitting(items: usize) -> bool {
    cfg!(not(target_arch = "wasm32")) && items >= 20_000
}
