fn main() {
    // One malloc arena for every thread. The log follower allocates each entry's fields and
    // the engine frees them on another thread; with an arena per thread, glibc served every
    // allocation of the follower through its slow path (`_int_malloc` alone was 18 % of the
    // console's samples in a 50k lines/s flood). One arena: flood CPU 15.3 → 12.2 % of a core
    // and a lower RSS (tests/soak.rs, PERFORMANCE.md). Set before any other thread exists.
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets a parameter of the allocator; no thread is running yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    std::process::exit(triage502::cli::main());
}
