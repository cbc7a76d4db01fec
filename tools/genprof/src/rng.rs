//! A tiny deterministic PRNG (xorshift64*) and hashing helpers, so the output depends on the
//! flags only and not on any crate's versioned algorithm.

/// SplitMix64 finaliser: a good 64-bit mixer, used for seeding and for per-item hashes.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of several words, for decisions that must not depend on the order of other draws.
pub fn hash(words: &[u64]) -> u64 {
    words.iter().fold(0x243f_6a88_85a3_08d3, |h, &w| mix(h ^ w))
}

/// A float in [0, 1) from a hash.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// xorshift64* generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let s = mix(seed);
        Rng(if s == 0 { 0x9e37_79b9_7f4a_7c15 } else { s })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, n); n must be > 0.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        unit(self.next_u64())
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Index in [0, n) skewed towards 0: u^k with k > 1 makes low indices hot.
    pub fn skewed(&mut self, n: usize, k: f64) -> usize {
        ((self.f64().powf(k) * n as f64) as usize).min(n - 1)
    }

    /// Pareto-distributed value >= 1 with shape alpha (heavier tail for smaller alpha).
    pub fn pareto(&mut self, alpha: f64) -> f64 {
        let u = 1.0 - self.f64(); // (0, 1]
        u.powf(-1.0 / alpha)
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}
