//! Units and pprof-exact number formatting (pprof's `internal/measurement`): scaling values
//! between units of one family, `ScaledLabel`, and `Percentage` with Go's `%5.2f` / `%5.2g`.

/// A unit known to pprof, with its canonical spelling, aliases and size in base units.
struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

/// A family of convertible units, e.g. bytes or time.
struct Family {
    units: &'static [Unit],
    default: &'static Unit,
}

const B: Unit = Unit {
    name: "B",
    aliases: &["b", "byte"],
    factor: 1.0,
};
const SECOND: Unit = Unit {
    name: "s",
    aliases: &[],
    factor: 1e9,
};
const GCU: Unit = Unit {
    name: "GCU",
    aliases: &[],
    factor: 1.0,
};

const FAMILIES: &[Family] = &[
    Family {
        units: &[
            B,
            Unit {
                name: "kB",
                aliases: &["kb", "kbyte", "kilobyte"],
                factor: 1024.0,
            },
            Unit {
                name: "MB",
                aliases: &["mb", "mbyte", "megabyte"],
                factor: 1048576.0,
            },
            Unit {
                name: "GB",
                aliases: &["gb", "gbyte", "gigabyte"],
                factor: 1073741824.0,
            },
            Unit {
                name: "TB",
                aliases: &["tb", "tbyte", "terabyte"],
                factor: 1099511627776.0,
            },
            Unit {
                name: "PB",
                aliases: &["pb", "pbyte", "petabyte"],
                factor: 1125899906842624.0,
            },
        ],
        default: &B,
    },
    Family {
        units: &[
            Unit {
                name: "ns",
                aliases: &["ns", "nanosecond"],
                factor: 1.0,
            },
            Unit {
                name: "us",
                aliases: &["μs", "us", "microsecond"],
                factor: 1e3,
            },
            Unit {
                name: "ms",
                aliases: &["ms", "millisecond"],
                factor: 1e6,
            },
            Unit {
                name: "s",
                aliases: &["s", "sec", "second"],
                factor: 1e9,
            },
            Unit {
                name: "hrs",
                aliases: &["hour", "hr"],
                factor: 3.6e12,
            },
        ],
        default: &SECOND,
    },
    Family {
        units: &[
            Unit {
                name: "n*GCU",
                aliases: &["nanogcu"],
                factor: 1e-9,
            },
            Unit {
                name: "u*GCU",
                aliases: &["microgcu"],
                factor: 1e-6,
            },
            Unit {
                name: "m*GCU",
                aliases: &["milligcu"],
                factor: 1e-3,
            },
            Unit {
                name: "GCU",
                aliases: &["gcu"],
                factor: 1.0,
            },
            Unit {
                name: "k*GCU",
                aliases: &["kilogcu"],
                factor: 1e3,
            },
            Unit {
                name: "M*GCU",
                aliases: &["megagcu"],
                factor: 1e6,
            },
            Unit {
                name: "G*GCU",
                aliases: &["gigagcu"],
                factor: 1e9,
            },
            Unit {
                name: "T*GCU",
                aliases: &["teragcu"],
                factor: 1e12,
            },
            Unit {
                name: "P*GCU",
                aliases: &["petagcu"],
                factor: 1e15,
            },
        ],
        default: &GCU,
    },
];

impl Family {
    /// pprof's `sniffUnit`: lower-case, drop one trailing `s` from names longer than two
    /// characters, then look the alias up.
    fn sniff(&self, unit: &str) -> Option<&'static Unit> {
        let lower = unit.to_lowercase();
        let key = if lower.len() > 2 {
            lower.strip_suffix('s').unwrap_or(&lower)
        } else {
            &lower
        };
        self.units.iter().find(|u| u.aliases.contains(&key))
    }

    fn auto_scale(&self, value: f64) -> Option<(f64, &'static str)> {
        let mut best: Option<&Unit> = None;
        for u in self.units {
            if u.factor >= best.map_or(0.0, |b| b.factor) && value / u.factor >= 1.0 {
                best = Some(u);
            }
        }
        best.map(|u| (value / u.factor, u.name))
    }

    fn convert(&self, value: i64, from: &str, to: &str) -> Option<(f64, &'static str)> {
        let from = self.sniff(from)?;
        let v = value as f64 * from.factor;
        if to == "minimum" || to == "auto" {
            return Some(
                self.auto_scale(v)
                    .unwrap_or((v / self.default.factor, self.default.name)),
            );
        }
        let to = self.sniff(to).unwrap_or(self.default);
        Some((v / to.factor, to.name))
    }
}

/// pprof's `Scale`: converts `value` in `from` units to `to` units (`minimum` / `auto` pick the
/// largest unit the value reaches). Returns the value and the unit's display name; a value
/// outside every family keeps its number and gets "" for count-like targets, else `to` itself.
pub fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value != i64::MIN {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for family in FAMILIES {
        if let Some((v, u)) = family.convert(value, from, to) {
            return (v, u.to_string());
        }
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// pprof's `ScaledLabel`: the scaled value with two decimals, `.00` dropped, and the unit;
/// zero prints as a bare `0`.
pub fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, unit) = scale(value, from, to);
    let text = format!("{v:.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    format!("{text}{unit}")
}

/// pprof's `Label`: a value auto-scaled in its own unit.
pub fn label(value: i64, unit: &str) -> String {
    scaled_label(value, unit, "auto")
}

/// Whether two units can be converted into each other (the same string, or both in one
/// family).
pub fn compatible_units(a: &str, b: &str) -> bool {
    a == b
        || FAMILIES
            .iter()
            .any(|f| f.sniff(a).is_some() && f.sniff(b).is_some())
}

/// pprof's `Percentage`: |value/total| as a percentage, six characters wide: `  100%` near
/// 100, Go's `%5.2f%%` from 1 up and `%5.2g%%` below.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total != 0 {
        (value as f64 / total as f64).abs() * 100.0
    } else {
        0.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "  100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:5.2}%")
    } else {
        format!("{:>5}%", go_format_g2(ratio))
    }
}

/// Go's `%.2g` for a finite, non-negative value: two significant digits, trailing zeros
/// removed, exponent form (`9.9e-05`) when the decimal exponent is below -4 or at least 2.
fn go_format_g2(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    // Rust's `{:.1e}` rounds correctly to two significant digits, as Go's strconv does.
    let sci = format!("{value:.1e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponents are integers");
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let n_digits = digits.len() as i32;
    // Go's decimal point position: value = 0.d1d2… × 10^dp.
    let dp = exp + 1;
    let eprec = if 2 > n_digits && n_digits >= dp {
        n_digits
    } else {
        2
    };
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let sign = if exp < 0 { '-' } else { '+' };
        if rest.is_empty() {
            format!("{first}e{sign}{:02}", exp.abs())
        } else {
            format!("{first}.{rest}e{sign}{:02}", exp.abs())
        }
    } else {
        let decimals = (n_digits - dp).max(0) as usize;
        format!("{value:.decimals$}")
    }
}

/// Whether `unit` measures time (pprof prints the `(x%)` share of the duration only then).
pub fn is_time_unit(unit: &str) -> bool {
    FAMILIES[1].sniff(unit).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_labels_match_pprof() {
        assert_eq!(scaled_label(1536, "bytes", "minimum"), "1.50kB");
        assert_eq!(scaled_label(1023, "bytes", "minimum"), "1023B");
        assert_eq!(scaled_label(1024, "bytes", "minimum"), "1kB");
        assert_eq!(scaled_label(5 << 30, "bytes", "minimum"), "5GB");
        assert_eq!(scaled_label(1 << 60, "bytes", "minimum"), "1024PB");
        assert_eq!(scaled_label(2500, "kilobytes", "minimum"), "2.44MB");
        assert_eq!(scaled_label(999, "nanoseconds", "minimum"), "999ns");
        assert_eq!(scaled_label(1000, "nanoseconds", "minimum"), "1us");
        assert_eq!(scaled_label(1_500_000, "nanoseconds", "minimum"), "1.50ms");
        assert_eq!(
            scaled_label(9_000_000_000_000, "nanoseconds", "minimum"),
            "2.50hrs"
        );
        assert_eq!(scaled_label(500_000, "nanoseconds", "s"), "0");
        assert_eq!(scaled_label(-1536, "bytes", "minimum"), "-1.50kB");
        assert_eq!(scaled_label(12345, "count", "minimum"), "12345");
        assert_eq!(scaled_label(10, "widgets", "widgets"), "10widgets");
        assert_eq!(scaled_label(0, "bytes", "MB"), "0");
    }

    #[test]
    fn percentages_match_go_formatting() {
        let cases = [
            (0.0, "    0%"),
            (0.5, "  0.5%"),
            (0.036, "0.036%"),
            (0.0015, "0.0015%"),
            (0.0999, "  0.1%"),
            (0.12345, " 0.12%"),
            (0.9949, " 0.99%"),
            (0.9951, "    1%"),
            (0.999, "    1%"),
            (0.0001, "0.0001%"),
            (0.000099, "9.9e-05%"),
            (0.00001, "1e-05%"),
            (0.0000123, "1.2e-05%"),
        ];
        for (ratio, want) in cases {
            let ratio: f64 = ratio;
            // A total of 1e12 keeps the ratio exact enough for these cases.
            let value = (ratio * 1e10).round() as i64;
            assert_eq!(percentage(value, 1_000_000_000_000), want, "ratio {ratio}");
        }
        assert_eq!(percentage(5, 100), " 5.00%");
        assert_eq!(percentage(2791, 10000), "27.91%");
        assert_eq!(percentage(-1000, 1000), "  100%");
        assert_eq!(percentage(2, 1), "200.00%");
        assert_eq!(percentage(1, 0), "    0%");
    }
}
