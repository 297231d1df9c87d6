//! Python binding (placeholder until the bindings issue).
