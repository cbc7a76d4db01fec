//! Recognises pprof's legacy (pre-protobuf) profile formats so that they can be refused by
//! name. Reading them may come later; today the user learns what the file is.

/// Names the legacy format `data` is written in, if it looks like one.
pub(super) fn sniff(data: &[u8]) -> Option<&'static str> {
    if is_binary_cpu_profile(data) {
        return Some("binary CPU profile");
    }
    let text = data.trim_ascii_start();
    const TEXT_HEADERS: &[(&str, &str)] = &[
        ("heap profile:", "heap profile"),
        ("heap_v2/", "jemalloc heap profile"),
        ("--- heapz", "heapz profile"),
        ("--- heap", "heap profile"),
        ("--- contentionz", "contention profile"),
        ("--- contention", "contention profile"),
        ("--- mutex", "contention profile"),
        ("--- threadz", "thread profile"),
        ("--- Thread", "thread profile"),
        ("goroutine profile:", "goroutine profile"),
        ("threadcreate profile:", "threadcreate profile"),
        ("--- symbol", "symbol profile"),
    ];
    for (header, name) in TEXT_HEADERS {
        if text.starts_with(header.as_bytes()) {
            return Some(name);
        }
    }
    if text.starts_with(b"---") || text.starts_with(b"%") {
        return Some("text profile");
    }
    None
}

/// gperftools' binary CPU profile starts with the words 0 (header count), 3 (header words)
/// and 0 (version), as 32- or 64-bit words of either byte order.
fn is_binary_cpu_profile(data: &[u8]) -> bool {
    let word32 = |i: usize, big: bool| -> Option<u32> {
        let b: [u8; 4] = data.get(i * 4..i * 4 + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let word64 = |i: usize, big: bool| -> Option<u64> {
        let b: [u8; 8] = data.get(i * 8..i * 8 + 8)?.try_into().ok()?;
        Some(if big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    };
    [false, true].into_iter().any(|big| {
        (word64(0, big) == Some(0) && word64(1, big) == Some(3))
            || (word32(0, big) == Some(0) && word32(1, big) == Some(3))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_legacy_headers() {
        assert_eq!(
            sniff(b"heap profile:   85: 178257920 [ 85: 178257920] @ heap/1048576\n"),
            Some("heap profile")
        );
        assert_eq!(
            sniff(b"--- contentionz 1 ---\ncycles/second = 1"),
            Some("contention profile")
        );
        assert_eq!(
            sniff(b"threadcreate profile: total 7\n"),
            Some("threadcreate profile")
        );
        let mut cpu = vec![0u8; 8];
        cpu.extend(3u64.to_le_bytes());
        cpu.extend(0u64.to_le_bytes());
        assert_eq!(sniff(&cpu), Some("binary CPU profile"));
        assert_eq!(sniff(b"\x0a\x04\x08\x01\x10\x02"), None);
    }
}
