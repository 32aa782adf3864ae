//! Which boot of the machine this is: what the page cache held is gone after a power cut, so
//! anything derived from the log in another boot (the index, projection snapshots) is trusted
//! only as far as it was made durable.

use std::sync::OnceLock;

/// This boot's id (`/proc/sys/kernel/random/boot_id`; zeros where the kernel does not say).
pub(super) fn boot_id() -> [u8; 16] {
    static ID: OnceLock<[u8; 16]> = OnceLock::new();
    *ID.get_or_init(|| parse(&read_boot_id()).unwrap_or([0; 16]))
}

/// The kernel's boot id; with the test-only `failpoints` feature, `CONCORDAT_TEST_BOOT_ID`
/// overrides it, so a test can simulate the reboot that follows a power cut.
fn read_boot_id() -> String {
    #[cfg(feature = "failpoints")]
    if let Ok(id) = std::env::var("CONCORDAT_TEST_BOOT_ID") {
        return id;
    }
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default()
}

/// 32 hex digits (dashes and whitespace ignored) as 16 bytes.
fn parse(text: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    if hex.len() != 32 {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        id[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boot_id_reads_as_its_sixteen_bytes() {
        let id = parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n").unwrap();
        assert_eq!(id[0], 0x0f);
        assert_eq!(id[15], 0xf0);
        assert_eq!(parse("not an id"), None);
    }
}
