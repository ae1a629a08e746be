//! HTML writer (being written).
