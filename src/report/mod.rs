//! report (filled in below).
