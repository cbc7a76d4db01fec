//! The synthetic Go program and its samples.
//!
//! A seed fixes a "program": a few runtime/stdlib functions plus `--functions` application
//! functions in services / packages / types, each with a file, a start line, a body length, an
//! address range in the main binary and a call graph (callees at deeper "levels", mostly in the
//! same service, with call-site lines). Samples are random walks through that graph: a runtime
//! root chain (`runtime.goexit` → `net/http.(*conn).serve` → …, `runtime.main` → `main.main`, a
//! bare goroutine, or for CPU a GC / scheduler stack), 10–60 frames of application code with
//! some self-recursion, then often a runtime/stdlib leaf chain (`runtime.mallocgc`,
//! `runtime.memmove`, syscalls, …). Frames of small "inlinable" functions share the location of
//! their caller, so some locations have 2–3 lines, as in real Go profiles. Locations and
//! functions get ids in order of first use, as Go's profile writer does.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use profdiff::proto;

use crate::rng::{Rng, hash, mix, unit};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heap,
    Cpu,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Heap => "heap",
            Kind::Cpu => "cpu",
        }
    }
}

pub struct Config {
    pub seed: u64,
    pub samples: usize,
    pub functions: usize,
    pub kind: Kind,
    pub scale: f64,
    pub variant: u64,
    pub shape: Shape,
}

/// How stacks are drawn.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// Walks of the generated call graph: stacks share long prefixes, as in a real service.
    #[default]
    CallGraph,
    /// 20–40 frames drawn independently over all functions: stacks share almost no prefixes,
    /// the worst case for anything that builds a call tree.
    Scattered,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            samples: 200_000,
            functions: 24_000,
            kind: Kind::Heap,
            scale: 1.0,
            variant: 0,
            shape: Shape::CallGraph,
        }
    }
}

#[derive(Default)]
pub struct Stats {
    pub samples: usize,
    pub functions: usize,
    pub locations: usize,
    pub mappings: usize,
    pub strings: usize,
    /// Function frames (lines, counting inlined ones) over all samples.
    pub total_frames: usize,
    pub max_depth: usize,
}

/// Number of call-graph levels of application code.
const LEVELS: usize = 64;
/// The CPU profiling period: 100 Hz.
const CPU_PERIOD: i64 = 10_000_000;
/// Go's default MemProfileRate.
const HEAP_PERIOD: i64 = 524_288;
/// Base address of the main binary's text.
const TEXT_START: u64 = 0x40_0000;
const VDSO_START: u64 = 0x7ffd_3c5f_e000;

const GOROOT: &str = "/usr/local/go/src/";
const MODCACHE: &str = "/home/build/go/pkg/mod/";

/// Size classes of Go's allocator, for heap samples' object sizes.
const SIZE_CLASSES: &[i64] = &[
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

// Runtime and standard-library chains: (function, file relative to GOROOT or the module cache).

/// Root chains, root first, that lead into application code.
const ROOT_HTTP: &[(&str, &str)] = &[
    ("runtime.goexit", "runtime/asm_amd64.s"),
    ("net/http.(*conn).serve", "net/http/server.go"),
    ("net/http.serverHandler.ServeHTTP", "net/http/server.go"),
    ("net/http.(*ServeMux).ServeHTTP", "net/http/server.go"),
    ("net/http.HandlerFunc.ServeHTTP", "net/http/server.go"),
];
const ROOT_GRPC: &[(&str, &str)] = &[
    ("runtime.goexit", "runtime/asm_amd64.s"),
    (
        "google.golang.org/grpc.(*Server).serveStreams.func1.2",
        "@google.golang.org/grpc@v1.59.0/server.go",
    ),
    (
        "google.golang.org/grpc.(*Server).handleStream",
        "@google.golang.org/grpc@v1.59.0/server.go",
    ),
    (
        "google.golang.org/grpc.(*Server).processUnaryRPC",
        "@google.golang.org/grpc@v1.59.0/server.go",
    ),
];
const ROOT_MAIN: &[(&str, &str)] = &[
    ("runtime.main", "runtime/proc.go"),
    ("main.main", "@github.com/acme/cmd/server/main.go"),
];
const ROOT_GOROUTINE: &[(&str, &str)] = &[("runtime.goexit", "runtime/asm_amd64.s")];

/// Complete runtime-only CPU stacks, root first, before one of `GC_LEAVES`.
const GC_ROOT: &[(&str, &str)] = &[
    ("runtime.goexit", "runtime/asm_amd64.s"),
    ("runtime.gcBgMarkWorker", "runtime/mgc.go"),
    ("runtime.systemstack", "runtime/asm_amd64.s"),
    ("runtime.gcBgMarkWorker.func2", "runtime/mgc.go"),
    ("runtime.gcDrain", "runtime/mgcmark.go"),
];
const GC_LEAVES: &[&[(&str, &str)]] = &[
    &[("runtime.scanobject", "runtime/mgcmark.go")],
    &[
        ("runtime.findObject", "runtime/mbitmap.go"),
        ("runtime.scanobject", "runtime/mgcmark.go"),
    ],
    &[
        ("runtime.greyobject", "runtime/mgcmark.go"),
        ("runtime.scanobject", "runtime/mgcmark.go"),
    ],
    &[
        ("runtime.(*gcWork).tryGetFast", "runtime/mgcwork.go"),
        ("runtime.(*gcWork).tryGet", "runtime/mgcwork.go"),
    ],
    &[
        ("runtime.markrootSpans", "runtime/mgcmark.go"),
        ("runtime.markroot", "runtime/mgcmark.go"),
    ],
];
const SCHED_STACK: &[(&str, &str)] = &[
    ("runtime.mcall", "runtime/asm_amd64.s"),
    ("runtime.park_m", "runtime/proc.go"),
    ("runtime.schedule", "runtime/proc.go"),
    ("runtime.findRunnable", "runtime/proc.go"),
    ("runtime.netpoll", "runtime/netpoll_epoll.go"),
    ("runtime.epollwait", "runtime/sys_linux_amd64.s"),
];

/// Leaf chains, leaf first, below application code in heap profiles.
const HEAP_LEAVES: &[&[(&str, &str)]] = &[
    &[("runtime.makeslice", "runtime/slice.go")],
    &[("runtime.growslice", "runtime/slice.go")],
    &[("runtime.newobject", "runtime/malloc.go")],
    &[("runtime.makemap_small", "runtime/map.go")],
    &[("runtime.makemap", "runtime/map.go")],
    &[
        ("runtime.rawstring", "runtime/string.go"),
        ("runtime.rawstringtmp", "runtime/string.go"),
        ("runtime.concatstrings", "runtime/string.go"),
        ("runtime.concatstring3", "runtime/string.go"),
    ],
    &[
        ("runtime.rawbyteslice", "runtime/string.go"),
        ("runtime.stringtoslicebyte", "runtime/string.go"),
    ],
    &[
        ("runtime.slicebytetostring", "runtime/string.go"),
        ("strconv.FormatInt", "strconv/itoa.go"),
    ],
    &[
        ("bytes.growSlice", "bytes/buffer.go"),
        ("bytes.(*Buffer).grow", "bytes/buffer.go"),
        ("bytes.(*Buffer).Write", "bytes/buffer.go"),
    ],
    &[
        ("strings.(*Builder).grow", "strings/builder.go"),
        ("strings.(*Builder).Grow", "strings/builder.go"),
    ],
    &[
        ("reflect.unsafe_New", "runtime/malloc.go"),
        ("reflect.New", "reflect/value.go"),
        (
            "encoding/json.(*decodeState).object",
            "encoding/json/decode.go",
        ),
        (
            "encoding/json.(*decodeState).value",
            "encoding/json/decode.go",
        ),
        (
            "encoding/json.(*decodeState).unmarshal",
            "encoding/json/decode.go",
        ),
        ("encoding/json.Unmarshal", "encoding/json/decode.go"),
    ],
    &[
        (
            "encoding/json.(*encodeState).marshal",
            "encoding/json/encode.go",
        ),
        ("encoding/json.Marshal", "encoding/json/encode.go"),
    ],
    &[
        ("bufio.NewReaderSize", "bufio/bufio.go"),
        ("bufio.NewReader", "bufio/bufio.go"),
    ],
    &[
        ("context.WithDeadlineCause", "context/context.go"),
        ("context.WithDeadline", "context/context.go"),
        ("context.WithTimeout", "context/context.go"),
    ],
];

/// Leaf chains, leaf first, below application code in CPU profiles.
const CPU_LEAVES: &[&[(&str, &str)]] = &[
    &[("runtime.memmove", "runtime/memmove_amd64.s")],
    &[("runtime.memclrNoHeapPointers", "runtime/memclr_amd64.s")],
    &[
        ("runtime.mallocgc", "runtime/malloc.go"),
        ("runtime.newobject", "runtime/malloc.go"),
    ],
    &[
        ("runtime.nextFreeFast", "runtime/malloc.go"),
        ("runtime.mallocgc", "runtime/malloc.go"),
        ("runtime.makeslice", "runtime/slice.go"),
    ],
    &[("runtime.mapaccess2_faststr", "runtime/map_faststr.go")],
    &[("runtime.mapassign_faststr", "runtime/map_faststr.go")],
    &[
        ("aeshashbody", "runtime/asm_amd64.s"),
        ("runtime.mapaccess1_faststr", "runtime/map_faststr.go"),
    ],
    &[
        ("syscall.Syscall", "syscall/syscall_linux.go"),
        ("syscall.write", "syscall/zsyscall_linux_amd64.go"),
        ("syscall.Write", "syscall/syscall_unix.go"),
        ("internal/poll.ignoringEINTRIO", "internal/poll/fd_unix.go"),
        ("internal/poll.(*FD).Write", "internal/poll/fd_unix.go"),
        ("net.(*netFD).Write", "net/fd_posix.go"),
        ("net.(*conn).Write", "net/net.go"),
    ],
    &[
        ("syscall.Syscall", "syscall/syscall_linux.go"),
        ("syscall.read", "syscall/zsyscall_linux_amd64.go"),
        ("syscall.Read", "syscall/syscall_unix.go"),
        ("internal/poll.ignoringEINTRIO", "internal/poll/fd_unix.go"),
        ("internal/poll.(*FD).Read", "internal/poll/fd_unix.go"),
        ("net.(*netFD).Read", "net/fd_posix.go"),
        ("net.(*conn).Read", "net/net.go"),
    ],
    &[
        ("runtime.futex", "runtime/sys_linux_amd64.s"),
        ("runtime.futexwakeup", "runtime/os_linux.go"),
        ("runtime.notewakeup", "runtime/lock_futex.go"),
        ("runtime.startm", "runtime/proc.go"),
        ("runtime.wakep", "runtime/proc.go"),
        ("runtime.ready", "runtime/proc.go"),
        ("runtime.goready.func1", "runtime/proc.go"),
        ("runtime.systemstack", "runtime/asm_amd64.s"),
        ("runtime.goready", "runtime/proc.go"),
        ("runtime.send.goready.func1", "runtime/chan.go"),
        ("runtime.send", "runtime/chan.go"),
        ("runtime.chansend", "runtime/chan.go"),
        ("runtime.chansend1", "runtime/chan.go"),
    ],
    &[
        ("[vdso]__vdso_clock_gettime", ""),
        ("runtime.nanotime1", "runtime/sys_linux_amd64.s"),
        ("runtime.nanotime", "runtime/time_nofake.go"),
        ("time.Now", "time/time.go"),
    ],
    &[
        ("sync.(*Mutex).lockSlow", "sync/mutex.go"),
        ("sync.(*Mutex).Lock", "sync/mutex.go"),
    ],
    &[("runtime.selectgo", "runtime/select.go")],
    &[
        ("runtime.procyield", "runtime/asm_amd64.s"),
        ("runtime.lock2", "runtime/lock_futex.go"),
        ("runtime.lockWithRank", "runtime/lockrank_off.go"),
        ("runtime.lock", "runtime/lock_futex.go"),
        ("runtime.chanrecv", "runtime/chan.go"),
        ("runtime.chanrecv1", "runtime/chan.go"),
    ],
    &[
        ("encoding/json.checkValid", "encoding/json/scanner.go"),
        ("encoding/json.Unmarshal", "encoding/json/decode.go"),
    ],
    &[
        ("strconv.ParseUint", "strconv/atoi.go"),
        ("strconv.ParseInt", "strconv/atoi.go"),
        ("strconv.Atoi", "strconv/atoi.go"),
    ],
    &[
        ("regexp.(*Regexp).doOnePass", "regexp/exec.go"),
        ("regexp.(*Regexp).doExecute", "regexp/exec.go"),
        ("regexp.(*Regexp).MatchString", "regexp/regexp.go"),
    ],
    &[
        ("crypto/sha256.block", "crypto/sha256/sha256block_amd64.s"),
        ("crypto/sha256.(*digest).Write", "crypto/sha256/sha256.go"),
    ],
    &[
        (
            "compress/flate.(*compressor).deflate",
            "compress/flate/deflate.go",
        ),
        (
            "compress/flate.(*compressor).write",
            "compress/flate/deflate.go",
        ),
        (
            "compress/flate.(*Writer).Write",
            "compress/flate/deflate.go",
        ),
        ("compress/gzip.(*Writer).Write", "compress/gzip/gzip.go"),
    ],
];

struct Func {
    name: String,
    file: String,
    start_line: u32,
    len: u32,
    /// Start of the function's text.
    base: u64,
    mapping: u64,
    inlinable: bool,
    recursive: bool,
    /// Service and call-graph level of application functions.
    svc: u16,
    level: u16,
    /// Multiplier of the values of samples whose deepest application frame is this function.
    heat: f64,
    callees: Vec<(u32, u32)>,
    /// Lines sampled when this function is the leaf.
    leaf_lines: Vec<u32>,
    /// Lines that call into a runtime / stdlib chain, or into the next frame of a fixed chain.
    call_lines: Vec<u32>,
}

impl Func {
    fn body_line(&self, rng: &mut Rng) -> u32 {
        self.start_line + 1 + rng.below(self.len.max(1) as usize) as u32
    }

    /// The one line every frame of this function has in the scattered shape, so that each
    /// function has one location there.
    fn one_line(&self) -> u32 {
        self.call_lines
            .first()
            .or(self.leaf_lines.first())
            .copied()
            .unwrap_or(self.start_line)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Root {
    Http,
    Grpc,
    Main,
    Goroutine,
    Gc,
    Sched,
}

struct Program {
    funcs: Vec<Func>,
    /// Application functions by [service][level].
    buckets: Vec<Vec<Vec<u32>>>,
    /// Level-0 application functions (request handlers, main loops).
    entries: Vec<u32>,
    /// Application functions of the upper third of levels (goroutine bodies).
    goroutine_entries: Vec<u32>,
    root_http: Vec<u32>,
    root_grpc: Vec<u32>,
    root_main: Vec<u32>,
    root_goroutine: Vec<u32>,
    gc_root: Vec<u32>,
    gc_leaves: Vec<Vec<u32>>,
    sched: Vec<u32>,
    leaves: Vec<Vec<u32>>,
    next_base: u64,
    vdso_next: u64,
    shape: Shape,
}

/// One frame of a stack: a function and the line executing in it.
#[derive(Clone, Copy)]
struct Frame {
    func: u32,
    line: u32,
}

impl Program {
    fn build(cfg: &Config) -> Program {
        let mut rng = Rng::new(hash(&[cfg.seed, 0x5052_4f47]));
        let mut p = Program {
            funcs: Vec::with_capacity(cfg.functions + 256),
            buckets: Vec::new(),
            entries: Vec::new(),
            goroutine_entries: Vec::new(),
            root_http: Vec::new(),
            root_grpc: Vec::new(),
            root_main: Vec::new(),
            root_goroutine: Vec::new(),
            gc_root: Vec::new(),
            gc_leaves: Vec::new(),
            sched: Vec::new(),
            leaves: Vec::new(),
            next_base: TEXT_START + 0x1000,
            vdso_next: VDSO_START + 0x700,
            shape: cfg.shape,
        };

        // Runtime and standard library.
        let mut by_name: HashMap<&'static str, u32> = HashMap::new();
        let mut chain = |p: &mut Program, rng: &mut Rng, c: &[(&'static str, &'static str)]| {
            c.iter()
                .map(|&(name, file)| {
                    *by_name
                        .entry(name)
                        .or_insert_with(|| p.add_runtime_func(rng, name, file))
                })
                .collect::<Vec<u32>>()
        };
        p.root_http = chain(&mut p, &mut rng, ROOT_HTTP);
        p.root_grpc = chain(&mut p, &mut rng, ROOT_GRPC);
        p.root_main = chain(&mut p, &mut rng, ROOT_MAIN);
        p.root_goroutine = chain(&mut p, &mut rng, ROOT_GOROUTINE);
        match cfg.kind {
            Kind::Heap => {
                for c in HEAP_LEAVES {
                    let v = chain(&mut p, &mut rng, c);
                    p.leaves.push(v);
                }
            }
            Kind::Cpu => {
                p.gc_root = chain(&mut p, &mut rng, GC_ROOT);
                for c in GC_LEAVES {
                    let v = chain(&mut p, &mut rng, c);
                    p.gc_leaves.push(v);
                }
                p.sched = chain(&mut p, &mut rng, SCHED_STACK);
                for c in CPU_LEAVES {
                    let v = chain(&mut p, &mut rng, c);
                    p.leaves.push(v);
                }
            }
        }

        // Application code: services / packages / types / methods.
        let first_app = p.funcs.len();
        let services = (cfg.functions / 2000).max(3);
        p.buckets = vec![vec![Vec::new(); LEVELS]; services];
        let mut count = 0;
        'all: for pkg in 0.. {
            for svc in 0..services {
                let pkg_funcs = rng.range(8, 60) as usize;
                let ntypes = rng.range(1, 10);
                let mut method_no = vec![0u32; ntypes as usize];
                let mut func_no = 0u32;
                let mut cursor = vec![rng.range(12, 40); ntypes as usize + 1];
                let pkg_path = format!("github.com/acme/svc{svc}/pkg{pkg}");
                // Packages sit around a level band, so a service's call graph is layered.
                let band = rng.below(LEVELS);
                for _ in 0..pkg_funcs {
                    if count == cfg.functions {
                        break 'all;
                    }
                    let kind = rng.f64();
                    let t = rng.below(ntypes as usize);
                    let (name, file_slot) = if kind < 0.70 {
                        method_no[t] += 1;
                        (format!("{pkg_path}.(*Type{t}).Method{}", method_no[t]), t)
                    } else if kind < 0.78 {
                        method_no[t] += 1;
                        (format!("{pkg_path}.Type{t}.Method{}", method_no[t]), t)
                    } else if kind < 0.88 {
                        method_no[t] += 1;
                        let m = method_no[t];
                        (
                            format!("{pkg_path}.(*Type{t}).Method{m}.func{}", rng.range(1, 3)),
                            t,
                        )
                    } else {
                        func_no += 1;
                        (format!("{pkg_path}.Func{func_no}"), ntypes as usize)
                    };
                    let file = if file_slot == ntypes as usize {
                        format!("{MODCACHE}{pkg_path}/pkg{pkg}.go")
                    } else {
                        format!("{MODCACHE}{pkg_path}/type{file_slot}.go")
                    };
                    let len = 3 + (rng.pareto(1.3) * 8.0).min(400.0) as u32;
                    let start_line = cursor[file_slot];
                    cursor[file_slot] += len + rng.range(2, 12);
                    let level = ((band as i64 + rng.range(0, 12) as i64 - 6)
                        .clamp(0, LEVELS as i64 - 1)) as usize;
                    let recursive = rng.chance(0.04);
                    let heat = if rng.chance(0.03) {
                        4.0 + (rng.pareto(1.1) * 6.0).min(400.0)
                    } else {
                        0.5 + rng.f64()
                    };
                    let id = p.add_func(Func {
                        name,
                        file,
                        start_line,
                        len,
                        base: 0,
                        mapping: 1,
                        inlinable: !recursive && len < 15 && rng.chance(0.45),
                        recursive,
                        svc: svc as u16,
                        level: level as u16,
                        heat,
                        callees: Vec::new(),
                        leaf_lines: Vec::new(),
                        call_lines: Vec::new(),
                    });
                    {
                        let f = &mut p.funcs[id as usize];
                        let nleaf = rng.range(1, 6);
                        f.leaf_lines = (0..nleaf).map(|_| f.body_line(&mut rng)).collect();
                        let ncall = rng.range(1, 3);
                        f.call_lines = (0..ncall).map(|_| f.body_line(&mut rng)).collect();
                    }
                    p.buckets[svc][level].push(id);
                    if level == 0 {
                        p.entries.push(id);
                    }
                    if level < LEVELS / 3 {
                        p.goroutine_entries.push(id);
                    }
                    count += 1;
                }
            }
        }
        if p.entries.is_empty() {
            p.entries.push(first_app as u32);
        }

        // Call graph: callees one to a few levels deeper, mostly in the same service.
        for id in first_app..p.funcs.len() {
            let svc = p.funcs[id].svc as usize;
            let level = p.funcs[id].level as usize;
            let ncallees = rng.range(2, 8);
            let mut callees = Vec::with_capacity(ncallees as usize);
            for _ in 0..ncallees {
                let step = if rng.chance(0.7) {
                    1
                } else if rng.chance(0.6) {
                    2
                } else {
                    rng.range(3, 8) as usize
                };
                let l = level + step;
                if l >= LEVELS {
                    continue;
                }
                let s = if rng.chance(0.85) {
                    svc
                } else {
                    rng.below(services)
                };
                let b = &p.buckets[s][l];
                if b.is_empty() {
                    continue;
                }
                // Some functions are called from many places: skew towards the bucket's start.
                let callee = b[rng.skewed(b.len(), 1.5)];
                let line = p.funcs[id].body_line(&mut rng);
                callees.push((callee, line));
            }
            p.funcs[id].callees = callees;
        }
        p
    }

    fn add_func(&mut self, mut f: Func) -> u32 {
        if f.mapping == 1 {
            f.base = self.next_base;
            // Room for 16 bytes per source line plus padding to 32-byte alignment.
            self.next_base += ((f.len as u64 + 2) * 16 + 31) & !31;
        } else {
            f.base = self.vdso_next;
            self.vdso_next += 0x100;
        }
        self.funcs.push(f);
        (self.funcs.len() - 1) as u32
    }

    fn add_runtime_func(&mut self, rng: &mut Rng, name: &str, file: &str) -> u32 {
        let (name, file, mapping) = if let Some(n) = name.strip_prefix("[vdso]") {
            (n.to_string(), String::new(), 2)
        } else if let Some(f) = file.strip_prefix('@') {
            (name.to_string(), format!("{MODCACHE}{f}"), 1)
        } else {
            (name.to_string(), format!("{GOROOT}{file}"), 1)
        };
        let len = rng.range(10, 300);
        let mut f = Func {
            name,
            file,
            start_line: rng.range(20, 3000),
            len,
            base: 0,
            mapping,
            inlinable: false,
            recursive: false,
            svc: 0,
            level: 0,
            heat: 1.0,
            callees: Vec::new(),
            leaf_lines: Vec::new(),
            call_lines: Vec::new(),
        };
        if mapping == 2 {
            f.start_line = 0;
            f.len = 1;
            f.leaf_lines = vec![0];
            f.call_lines = vec![0];
        } else {
            let nleaf = rng.range(2, 8);
            f.leaf_lines = (0..nleaf).map(|_| f.body_line(rng)).collect();
            let ncall = rng.range(1, 2);
            f.call_lines = (0..ncall).map(|_| f.body_line(rng)).collect();
        }
        self.add_func(f)
    }

    /// A random stack, root first, into `out`; returns the root kind and the deepest application
    /// function (if any).
    fn stack(&self, rng: &mut Rng, kind: Kind, out: &mut Vec<Frame>) -> (Root, Option<u32>) {
        out.clear();
        if self.shape == Shape::Scattered {
            return self.scattered_stack(rng, out);
        }
        let r = rng.f64();
        let root = match kind {
            Kind::Cpu if r < 0.07 => Root::Gc,
            Kind::Cpu if r < 0.10 => Root::Sched,
            _ => {
                let r = rng.f64();
                if r < 0.45 {
                    Root::Http
                } else if r < 0.70 {
                    Root::Grpc
                } else if r < 0.80 {
                    Root::Main
                } else {
                    Root::Goroutine
                }
            }
        };
        let push_chain = |rng: &mut Rng, out: &mut Vec<Frame>, chain: &[u32]| {
            for &f in chain {
                let func = &self.funcs[f as usize];
                out.push(Frame {
                    func: f,
                    line: *rng.pick(&func.call_lines),
                });
            }
        };
        let set_leaf = |rng: &mut Rng, out: &mut Vec<Frame>| {
            let last = out.last_mut().unwrap();
            last.line = *rng.pick(&self.funcs[last.func as usize].leaf_lines);
        };
        match root {
            Root::Gc => {
                push_chain(rng, out, &self.gc_root);
                let leaf = rng.pick(&self.gc_leaves);
                push_chain(rng, out, &leaf.iter().rev().copied().collect::<Vec<_>>());
                set_leaf(rng, out);
                return (root, None);
            }
            Root::Sched => {
                push_chain(rng, out, &self.sched);
                set_leaf(rng, out);
                return (root, None);
            }
            _ => {}
        }
        let (prefix, entry) = match root {
            Root::Http => (&self.root_http, *rng.pick(&self.entries)),
            Root::Grpc => (&self.root_grpc, *rng.pick(&self.entries)),
            Root::Main => (&self.root_main, *rng.pick(&self.entries)),
            _ => (&self.root_goroutine, *rng.pick(&self.goroutine_entries)),
        };
        push_chain(rng, out, prefix);

        // Target depth: mostly 20–35, sometimes 10–19 or 36–60.
        let d = rng.f64();
        let target = if d < 0.75 {
            rng.range(20, 35)
        } else if d < 0.90 {
            rng.range(10, 19)
        } else {
            rng.range(36, 60)
        } as usize;
        let leaf_chain = if rng.chance(match kind {
            Kind::Heap => 0.45,
            Kind::Cpu => 0.6,
        }) {
            // The first chains of each kind's list are the usual hot spots.
            Some(&self.leaves[rng.skewed(self.leaves.len(), 1.8)])
        } else {
            None
        };
        let chain_len = leaf_chain.map_or(0, |c| c.len());
        let budget = target.saturating_sub(out.len() + chain_len).max(1);

        let mut cur = entry;
        let mut used = 0;
        loop {
            let f = &self.funcs[cur as usize];
            out.push(Frame { func: cur, line: 0 });
            used += 1;
            if f.recursive && !f.callees.is_empty() && rng.chance(0.5) {
                let self_line = f.callees[0].1;
                for _ in 0..rng.range(1, 6) {
                    out.last_mut().unwrap().line = self_line;
                    out.push(Frame { func: cur, line: 0 });
                    used += 1;
                }
            }
            if used >= budget || f.callees.is_empty() {
                break;
            }
            let (callee, line) = f.callees[rng.skewed(f.callees.len(), 1.7)];
            out.last_mut().unwrap().line = line;
            cur = callee;
        }
        let deepest_app = cur;
        match leaf_chain {
            Some(chain) => {
                let last = out.last_mut().unwrap();
                last.line = *rng.pick(&self.funcs[last.func as usize].call_lines);
                for &f in chain.iter().rev() {
                    out.push(Frame {
                        func: f,
                        line: *rng.pick(&self.funcs[f as usize].call_lines),
                    });
                }
                set_leaf(rng, out);
            }
            None => set_leaf(rng, out),
        }
        (root, Some(deepest_app))
    }
}

impl Program {
    /// 20–40 frames, each an independently drawn function at a random call line.
    fn scattered_stack(&self, rng: &mut Rng, out: &mut Vec<Frame>) -> (Root, Option<u32>) {
        let depth = rng.range(20, 40) as usize;
        for _ in 0..depth {
            let f = rng.below(self.funcs.len()) as u32;
            let func = &self.funcs[f as usize];
            out.push(Frame {
                func: f,
                line: func.one_line(),
            });
        }
        (Root::Main, out.last().map(|f| f.func))
    }
}

/// FxHash-style hasher for the location and string maps.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[derive(Default)]
struct Strings {
    table: Vec<Vec<u8>>,
    index: FxMap<String, i64>,
}

impl Strings {
    fn new() -> Strings {
        let mut s = Strings::default();
        s.intern("");
        s
    }
    fn intern(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// What `--variant N` changes, decided from (seed, variant) alone.
struct Variant {
    variant: u64,
    seed: u64,
    /// Factor for samples whose deepest application function is in here.
    shifted: FxMap<u32, f64>,
}

impl Variant {
    fn apply(cfg: &Config, p: &mut Program) -> Variant {
        let mut v = Variant {
            variant: cfg.variant,
            seed: cfg.seed,
            shifted: FxMap::default(),
        };
        if cfg.variant == 0 {
            return v;
        }
        let mut rng = Rng::new(hash(&[cfg.seed, cfg.variant, 0x5641_5249]));
        let app: Vec<u32> = (0..p.funcs.len() as u32)
            .filter(|&f| p.funcs[f as usize].name.starts_with("github.com/acme/svc"))
            .collect();
        // Removed and added functions: a few hundred functions are renamed (refactors), so the
        // old name disappears and a new one appears with the same callers and callees.
        let renames = (app.len() / 80).clamp(1, 400);
        for _ in 0..renames {
            let f = &mut p.funcs[*rng.pick(&app) as usize];
            if !f.name.contains("V2") {
                f.name = format!("{}V{}", f.name, cfg.variant + 1);
                f.start_line += rng.range(1, 40);
                for l in f.leaf_lines.iter_mut().chain(f.call_lines.iter_mut()) {
                    *l += rng.range(0, 40);
                }
            }
        }
        // Hot spots that moved: ~0.3% of functions get much hotter or colder.
        for _ in 0..(app.len() / 300).max(1) {
            let factor = if rng.chance(0.5) {
                2.0 + rng.f64() * 4.0
            } else {
                0.1 + rng.f64() * 0.4
            };
            v.shifted.insert(*rng.pick(&app), factor);
        }
        v
    }

    /// The weight factor of sample `i`: ~10% of the stacks are reweighted by 0.25–4×.
    fn factor(&self, i: usize, deepest_app: Option<u32>) -> f64 {
        if self.variant == 0 {
            return 1.0;
        }
        let h = hash(&[self.seed, self.variant, i as u64, 0x53_544b]);
        let mut f = if unit(h) < 0.10 {
            (0.25f64.ln() + unit(mix(h)) * 16f64.ln()).exp()
        } else {
            1.0
        };
        if let Some(s) = deepest_app.and_then(|a| self.shifted.get(&a)) {
            f *= s;
        }
        f
    }
}

pub fn generate(cfg: &Config) -> (proto::Profile, Stats) {
    let mut program = Program::build(cfg);
    let variant = Variant::apply(cfg, &mut program);
    let p = &program;

    let mut strings = Strings::new();
    let mut out = proto::Profile::default();
    let vt = |s: &mut Strings, t: &str, u: &str| proto::ValueType {
        r#type: s.intern(t),
        unit: s.intern(u),
    };
    let heap = cfg.kind == Kind::Heap;
    if heap {
        out.sample_type = vec![
            vt(&mut strings, "alloc_objects", "count"),
            vt(&mut strings, "alloc_space", "bytes"),
            vt(&mut strings, "inuse_objects", "count"),
            vt(&mut strings, "inuse_space", "bytes"),
        ];
        out.period_type = Some(vt(&mut strings, "space", "bytes"));
        out.period = HEAP_PERIOD;
    } else {
        out.sample_type = vec![
            vt(&mut strings, "samples", "count"),
            vt(&mut strings, "cpu", "nanoseconds"),
        ];
        out.period_type = Some(vt(&mut strings, "cpu", "nanoseconds"));
        out.period = CPU_PERIOD;
    }
    let key_handler = strings.intern("handler");
    let key_rpc = strings.intern("rpc");
    let key_bytes = strings.intern("bytes");
    let handlers: Vec<i64> = (0..64)
        .map(|i| {
            let v = ["v1", "v2"][i % 2];
            let r = [
                "orders", "users", "items", "search", "cart", "auth", "events", "x",
            ][i % 8];
            strings.intern(&format!("/api/{v}/{r}{}", i / 8))
        })
        .collect();
    let rpcs: Vec<i64> = (0..48)
        .map(|i| {
            strings.intern(&format!(
                "/acme.svc{}.v1.Service{}/Method{}",
                i % 6,
                i % 4,
                i / 4
            ))
        })
        .collect();

    let mut rng = Rng::new(hash(&[cfg.seed, 0x5341_4d50]));
    let mut func_ids = vec![0u64; p.funcs.len()];
    let mut locs: FxMap<[u64; 3], u64> = FxMap::default();
    let mut addrs: HashSet<u64, BuildHasherDefault<Fx>> = HashSet::default();
    let mut stats = Stats::default();
    let mut frames = Vec::with_capacity(128);
    let mut total_cpu: i64 = 0;
    out.sample.reserve(cfg.samples);
    let scale = |v: f64, f: f64| (v * cfg.scale * f).round() as i64;

    for i in 0..cfg.samples {
        let (root, deepest_app) = p.stack(&mut rng, cfg.kind, &mut frames);
        stats.total_frames += frames.len();
        stats.max_depth = stats.max_depth.max(frames.len());

        // Leaf first; an inlinable frame shares its caller's location.
        let mut location_id = Vec::with_capacity(frames.len());
        let mut j = frames.len();
        while j > 0 {
            j -= 1;
            let mut n = 0;
            let mut group = [0u64; 3];
            loop {
                let fr = frames[j];
                group[n] = ((fr.func as u64 + 1) << 32) | fr.line as u64;
                n += 1;
                let inlinable =
                    p.funcs[fr.func as usize].inlinable && cfg.shape == Shape::CallGraph;
                if n == 3 || j == 0 || !inlinable {
                    break;
                }
                j -= 1;
            }
            let next_id = locs.len() as u64 + 1;
            let id = *locs.entry(group).or_insert(next_id);
            if id == next_id {
                let mut lines = Vec::with_capacity(n);
                for &g in &group[..n] {
                    let func = (g >> 32) as usize - 1;
                    if func_ids[func] == 0 {
                        func_ids[func] = out.function.len() as u64 + 1;
                        let f = &p.funcs[func];
                        out.function.push(proto::Function {
                            id: func_ids[func],
                            name: strings.intern(&f.name),
                            system_name: strings.intern(&f.name),
                            filename: strings.intern(&f.file),
                            start_line: f.start_line as i64,
                        });
                    }
                    lines.push(proto::Line {
                        function_id: func_ids[func],
                        line: (g & 0xffff_ffff) as i64,
                        column: 0,
                    });
                }
                let outer = &p.funcs[(group[n - 1] >> 32) as usize - 1];
                let line = group[n - 1] & 0xffff_ffff;
                let mut addr = outer.base
                    + line.saturating_sub(outer.start_line as u64) * 16
                    + (mix(group[0]) % 4) * 4
                    + 1;
                while !addrs.insert(addr) {
                    addr += 1;
                }
                out.location.push(proto::Location {
                    id,
                    mapping_id: outer.mapping,
                    address: addr,
                    line: lines,
                    is_folded: false,
                });
            }
            location_id.push(id);
        }

        let vf = variant.factor(i, deepest_app);
        let heat = deepest_app.map_or(1.0, |a| p.funcs[a as usize].heat);
        let mut label = Vec::new();
        match root {
            Root::Http if rng.chance(0.8) => label.push(proto::Label {
                key: key_handler,
                str: handlers[frames[ROOT_HTTP.len()].func as usize % handlers.len()],
                ..Default::default()
            }),
            Root::Grpc if rng.chance(0.5) => label.push(proto::Label {
                key: key_rpc,
                str: rpcs[frames[ROOT_GRPC.len()].func as usize % rpcs.len()],
                ..Default::default()
            }),
            _ => {}
        }
        let value = if heap {
            let leaf_h = mix(location_id[0] ^ cfg.seed);
            // Object size: mostly small size classes, a few large allocations.
            let size = if unit(leaf_h) < 0.005 {
                8192 * (5 + (mix(leaf_h) % 32) as i64)
            } else {
                SIZE_CLASSES[((unit(mix(leaf_h)).powf(2.2)) * SIZE_CLASSES.len() as f64) as usize]
            };
            // Go's heap profile values are estimates scaled up from 1 sample per 512 KiB; most
            // stacks allocated a little, a few a lot, and little of it is still in use.
            let objects = (rng.pareto(1.3) * heat * 10.0).min(2e6);
            let inuse = if rng.chance(0.3) {
                objects * rng.f64().powi(3)
            } else {
                0.0
            };
            let ao = scale(objects, vf).max(if cfg.scale > 0.0 { 1 } else { 0 });
            let io = scale(inuse, vf).min(ao);
            label.push(proto::Label {
                key: key_bytes,
                num: size,
                ..Default::default()
            });
            vec![ao, ao * size, io, io * size]
        } else {
            let count = if rng.chance(0.5) {
                1.0
            } else {
                (rng.pareto(1.3) * heat).min(20_000.0)
            };
            let c = scale(count, vf).max(if cfg.scale > 0.0 { 1 } else { 0 });
            total_cpu += c * CPU_PERIOD;
            vec![c, c * CPU_PERIOD]
        };
        out.sample.push(proto::Sample {
            location_id,
            value,
            label,
        });
    }

    // Mappings: the main binary, and the vDSO as Go records it.
    let build_id = format!(
        "{:016x}{:016x}{:08x}",
        mix(cfg.seed ^ 0xb1d),
        mix(cfg.seed ^ 0xb1e),
        mix(cfg.seed ^ 0xb1f) as u32
    );
    out.mapping = vec![
        proto::Mapping {
            id: 1,
            memory_start: TEXT_START,
            memory_limit: (p.next_base + 0xfff) & !0xfff,
            file_offset: 0,
            filename: strings.intern("/usr/local/bin/acme-server"),
            build_id: strings.intern(&build_id),
            has_functions: true,
            has_filenames: true,
            has_line_numbers: true,
            has_inline_frames: true,
        },
        proto::Mapping {
            id: 2,
            memory_start: VDSO_START,
            memory_limit: VDSO_START + 0x2000,
            file_offset: 0,
            filename: strings.intern("[vdso]"),
            build_id: strings.intern(""),
            has_functions: true,
            has_filenames: false,
            has_line_numbers: false,
            has_inline_frames: false,
        },
    ];
    out.time_nanos = 1_700_000_000_000_000_000 + (mix(cfg.seed) % 86_400) as i64 * 1_000_000_000;
    if !heap {
        out.duration_nanos = (total_cpu / 8).max(60_000_000_000);
    }

    stats.samples = out.sample.len();
    stats.functions = out.function.len();
    stats.locations = out.location.len();
    stats.mappings = out.mapping.len();
    stats.strings = strings.table.len();
    out.string_table = strings.table;
    (out, stats)
}
