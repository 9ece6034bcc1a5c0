//! Report logos: checked by content before anything is stored.
