//! uniffi binding (placeholder until the bindings issue).
