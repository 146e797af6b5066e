//! config (filled in below).
