//! The floating-point steps of pprof's heap unsampling, bit for bit as the oracle computes
//! them: Go's `math.Exp` on amd64 is its own assembly routine (not the C library's), and Go's
//! float-to-int conversion on amd64 turns out-of-range values into the minimum int64. A last-ulp
//! difference in `exp` changes a truncated count, so both are reproduced here.

/// pprof's `scaleHeapSample` (legacy_profile.go): the unsampled estimate of `count` objects
/// totalling `size` bytes under a Poisson sampler of mean `rate` bytes.
pub(crate) fn scale_heap_sample(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        // Every allocation was sampled (1), or the rate is unknown (< 1).
        return (count, size);
    }
    let avg_size = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - go_exp(-avg_size / rate as f64));
    (
        go_f64_to_i64(count as f64 * scale),
        go_f64_to_i64(size as f64 * scale),
    )
}

/// Go's `int64(f)` on amd64 (CVTTSD2SQ): truncation, and the "integer indefinite" minimum for
/// NaN and values out of range, where Rust's `as` would saturate.
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || f >= TWO_63 {
        i64::MIN
    } else {
        // Below -2^63 the indefinite value and Rust's saturation agree.
        f as i64
    }
}

/// Go 1.19's `math.Exp` on amd64 with FMA (math/exp_amd64.s, the `avxfma` path, which every
/// x86-64 CPU with AVX and FMA takes): a reduction by ln 2, a Taylor series of x/16 and four
/// squarings. `mul_add` is a true fused multiply-add on every target, so this is exact
/// everywhere, WebAssembly included.
// The constants are written as Go's source writes them; each parses to the same double.
#[allow(clippy::excessive_precision)]
pub(crate) fn go_exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2U: f64 = 0.693_147_180_559_662_956_511_601_805_686_950_683_593_75;
    const LN2L: f64 = 0.282_352_905_630_315_771_225_884_481_750_134_360_255_254_120_68e-12;
    const OVERFLOW: f64 = 7.097_827_128_933_84e2;
    const TAYLOR: [f64; 8] = [
        2.480_158_730_158_730_158_7e-5,
        1.984_126_984_126_984_127e-4,
        1.388_888_888_888_888_888_9e-3,
        8.333_333_333_333_333_333_3e-3,
        4.166_666_666_666_666_666_7e-2,
        1.666_666_666_666_666_666_7e-1,
        0.5,
        1.0,
    ];
    let bits = x.to_bits();
    if bits & !(1 << 63) >= f64::INFINITY.to_bits() {
        // -Inf gives 0; NaN and +Inf are returned as they are.
        return if x == f64::NEG_INFINITY { 0.0 } else { x };
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    let exponent = cvtsd2sl(LOG2E * x);
    let k = f64::from(exponent);
    let mut r = (-k).mul_add(LN2U, x);
    r = (-k).mul_add(LN2L, r);
    r *= 0.0625;
    let mut p = TAYLOR[0];
    for &c in &TAYLOR[1..] {
        p = r.mul_add(p, c);
    }
    r *= p;
    for _ in 0..3 {
        let t = r + 2.0;
        r *= t;
    }
    let t = r + 2.0;
    r = t.mul_add(r, 1.0);
    ldexp_like_go(r, exponent)
}

/// CVTSD2SL: round to nearest, ties to even; out of range gives i32::MIN.
fn cvtsd2sl(f: f64) -> i32 {
    let r = f.round_ties_even();
    if (-2_147_483_648.0..=2_147_483_647.0).contains(&r) {
        r as i32
    } else {
        i32::MIN
    }
}

/// The tail of exp_amd64.s: `fr * 2**exponent` built from the exponent bits, with its own
/// denormal and overflow handling.
fn ldexp_like_go(fr: f64, exponent: i32) -> f64 {
    let biased = exponent.wrapping_add(0x3ff);
    if biased <= 0 {
        if biased < -52 {
            return 0.0;
        }
        let scaled = fr * f64::from_bits(((biased + 0x3fe) as u64) << 52);
        return scaled * f64::from_bits(1 << 52);
    }
    if biased >= 0x7ff {
        return f64::INFINITY;
    }
    fr * f64::from_bits((biased as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_close_to_the_c_library_and_handles_the_edges() {
        for x in [-30.0, -1.5, -0.001, 0.0, 0.3, 1.0, 10.0, 700.0] {
            let (go, libm) = (go_exp(x), f64::exp(x));
            assert!(((go - libm) / libm).abs() < 1e-15, "{x}: {go} vs {libm}");
        }
        assert_eq!(go_exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(go_exp(800.0), f64::INFINITY);
        assert_eq!(go_exp(-1e10), 0.0);
        assert!(go_exp(f64::NAN).is_nan());
    }

    #[test]
    fn exp_is_gos_to_the_bit() {
        // (x, math.Exp(x)) as bits, printed by Go 1.19 on linux/amd64 with FMA: inputs where
        // the C library's exp differs from Go's in the last bit.
        let cases: [(u64, u64); 6] = [
            (0xbfd85caff8c1e239, 0x3fe5de831dc049e7),
            (0xc01772facf7c0b9a, 0x3f674dd8314614cc),
            (0xbfd9d7e9bca0a1c8, 0x3fe55e6aa932af78),
            (0xc01fffaadee0252c, 0x3f35fdf4fb5052ce),
            (0xbfe1e68afe4c7590, 0x3fe24a303e96bd41),
            (0xc026e22b398ada06, 0x3ee684d658329a0a),
        ];
        for (x, want) in cases {
            let x = f64::from_bits(x);
            assert_eq!(go_exp(x).to_bits(), want, "exp({x})");
        }
    }

    #[test]
    fn float_to_int_takes_amd64_indefinite_value() {
        assert_eq!(go_f64_to_i64(-3.9), -3);
        assert_eq!(go_f64_to_i64(1e19), i64::MIN);
        assert_eq!(go_f64_to_i64(f64::NAN), i64::MIN);
        assert_eq!(go_f64_to_i64(-(2f64.powi(63)) - 4096.0), i64::MIN);
    }

    #[test]
    fn heap_scaling_matches_the_research_notes_example() {
        // go-text-profiles.md §1.5, rate 524288: (1, 320) → (1638, 524448).
        assert_eq!(scale_heap_sample(1, 320, 524288), (1638, 524448));
        assert_eq!(scale_heap_sample(2, 96, 524288), (21846, 1048624));
        assert_eq!(scale_heap_sample(0, 5, 524288), (0, 0));
        assert_eq!(scale_heap_sample(3, 7, 1), (3, 7));
    }
}
