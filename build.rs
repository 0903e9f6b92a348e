//! Gives the library a fingerprint of its own source (`SUPERNODE_SIM_SOURCE_ID`): a 64-bit
//! FNV-1a hash of every file under `src/` and of `Cargo.lock`. Marks shipped with the page
//! (`supernode-sim marks`) are filed under a key that includes it, so a page never adopts a world
//! computed by another version of the model.

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut list = Vec::new();
    files(&root.join("src"), &mut list);
    list.push(root.join("Cargo.lock"));
    list.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in &list {
        // Names relative to the crate, so the same source anywhere gives the same fingerprint.
        eat(p.strip_prefix(&root).unwrap_or(p).to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&fs::read(p).unwrap_or_default());
        eat(&[0]);
    }
    println!("cargo:rustc-env=SUPERNODE_SIM_SOURCE_ID={h:016x}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
