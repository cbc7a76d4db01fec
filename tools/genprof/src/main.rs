//! `genprof`: writes a large, gzip-compressed pprof profile that looks like one taken from a big
//! Go service, for benchmarking `profdiff` against `go tool pprof`.
//!
//! ```text
//! genprof --out FILE [--seed N] [--samples N] [--functions N] [--kind heap|cpu]
//!         [--scale F] [--variant N]
//! ```
//!
//! The output is a pure function of the flags. The seed fixes the program (functions, call
//! graph, files, lines, addresses) and the samples; `--variant N` (N > 0) keeps all of that but
//! renames a few hundred functions (they disappear and new ones appear), reweights ~10% of the
//! stacks and makes a few dozen functions hotter or colder, so `--variant 0` and `--variant 1`
//! of one seed form a realistic A/B pair; `--scale F` multiplies every value by F.

mod rng;
mod synth;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use synth::{Config, Kind, Shape};

const USAGE: &str = "usage: genprof --out FILE [--seed N] [--samples N] [--functions N] \
[--kind heap|cpu] [--scale F] [--variant N] [--shape callgraph|scattered]

  --out FILE       where to write the gzip-compressed profile (required)
  --seed N         seed of the generated program and samples (default 1)
  --samples N      number of samples (default 200000)
  --functions N    number of application functions in the program (default 24000)
  --kind K         heap (default) or cpu
  --scale F        multiply every sample value by F (default 1.0)
  --variant N      0 (default) for the base profile; N > 0 renames a few hundred functions and
                   reweights ~10% of the stacks, for realistic diff pairs
  --shape S        callgraph (default): walks of a generated call graph, stacks share long
                   prefixes; scattered: 20-40 frames drawn independently, stacks share almost
                   no prefixes (the worst case for call trees)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cfg, out) = match parse_args(&args) {
        Ok(Some(v)) => v,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("genprof: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let t0 = Instant::now();
    let (profile, stats) = synth::generate(&cfg);
    let t_gen = t0.elapsed();

    let raw = prost::Message::encode_to_vec(&profile);
    drop(profile);
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 2),
        flate2::Compression::default(),
    );
    let gz = enc
        .write_all(&raw)
        .and_then(|()| enc.finish())
        .expect("gzip into memory cannot fail");
    if let Err(e) = std::fs::write(&out, &gz) {
        eprintln!("genprof: {out}: {e}");
        return ExitCode::from(1);
    }
    let total = t0.elapsed();
    eprintln!(
        "genprof: wrote {out}: kind={} seed={} variant={} scale={} samples={} functions={} \
locations={} mappings={} strings={} avg_depth={:.1} max_depth={} proto={:.1} MB gzip={:.1} MB \
(generate {:.2}s, total {:.2}s)",
        cfg.kind.name(),
        cfg.seed,
        cfg.variant,
        cfg.scale,
        stats.samples,
        stats.functions,
        stats.locations,
        stats.mappings,
        stats.strings,
        stats.total_frames as f64 / stats.samples.max(1) as f64,
        stats.max_depth,
        raw.len() as f64 / 1e6,
        gz.len() as f64 / 1e6,
        t_gen.as_secs_f64(),
        total.as_secs_f64(),
    );
    ExitCode::SUCCESS
}

fn parse_args(args: &[String]) -> Result<Option<(Config, String)>, String> {
    let mut cfg = Config::default();
    let mut out = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match name {
            "--out" | "-o" => out = Some(value()?),
            "--seed" => cfg.seed = num(name, &value()?)?,
            "--samples" => cfg.samples = num(name, &value()?)?,
            "--functions" => cfg.functions = num(name, &value()?)?,
            "--variant" => cfg.variant = num(name, &value()?)?,
            "--scale" => {
                let v = value()?;
                cfg.scale = v
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .ok_or_else(|| format!("{name}: not a non-negative number: {v}"))?;
            }
            "--shape" => {
                cfg.shape = match value()?.as_str() {
                    "callgraph" => Shape::CallGraph,
                    "scattered" => Shape::Scattered,
                    s => return Err(format!("--shape: want callgraph or scattered, got {s}")),
                }
            }
            "--kind" => {
                cfg.kind = match value()?.as_str() {
                    "heap" => Kind::Heap,
                    "cpu" => Kind::Cpu,
                    k => return Err(format!("--kind: want heap or cpu, got {k}")),
                }
            }
            _ => return Err(format!("unknown argument: {flag}")),
        }
    }
    if cfg.samples == 0 {
        return Err("--samples must be at least 1".into());
    }
    if cfg.functions < 50 {
        return Err("--functions must be at least 50".into());
    }
    let out = out.ok_or("--out is required")?;
    Ok(Some((cfg, out)))
}

fn num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{name}: not a non-negative integer: {v}"))
}
