//! What the current thread holds in memory, so that a template's memory is bounded whatever
//! builds it: the global allocator counts, per thread, the bytes allocated minus those freed.
//! A chapter renders on one thread; [`super::render_bounded`] notes the count at the start and
//! every check of the budgets (output, `set`, loop steps, `range()`, the growing filters)
//! compares it. Text a `{% filter %}` section or a `{% set %}` block collects inside a loop
//! is counted too, which no check of single values could see.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting per thread.
pub(crate) struct Counting;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(delta: isize) {
    // A thread's count without a destructor is always reachable; `try_with` keeps the
    // allocator free of panics all the same.
    let _ = LIVE.try_with(|live| live.set(live.get().wrapping_add(delta)));
}

fn signed(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed unchanged to the system allocator; only a counter is updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` hold for `System` alike.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            add(signed(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            add(signed(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        add(-signed(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as in `dealloc`; `new_size` is the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            add(signed(new_size) - signed(layout.size()));
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes the current thread holds now (allocated minus freed on it).
pub(crate) fn live_bytes() -> isize {
    LIVE.try_with(Cell::get).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_follows_allocations_of_this_thread() {
        let before = live_bytes();
        let block = vec![0u8; 50_000_000];
        let during = live_bytes();
        assert!(during - before >= 50_000_000, "{before} → {during}");
        drop(block);
        assert!(live_bytes() - before < 1_000_000);
    }
}
