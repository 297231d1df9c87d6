//! The `uniffi-bindgen` command (library mode: `generate --library <libguidang_uniffi.so>`), built
//! from the same pinned uniffi version as `guidang-uniffi` so the metadata in the library matches.

fn main() {
    uniffi::uniffi_bindgen_main()
}
