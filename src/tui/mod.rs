//! tui (filled in below).
