//! engine (filled in below).
