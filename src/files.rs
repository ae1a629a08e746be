//! File and folder names shared by every stage; a leaf module without dependencies.

/// Image file endings amip copies from `content/` into both outputs.
pub(crate) const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];
