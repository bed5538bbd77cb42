// The OS keychain's own round trip in a fresh process, compiled with pensar's flags: `get` reads
// one entry (PROBE_ENTRY) through Bun.secrets, as pensar does (loading libsecret, connecting to the
// session bus, one read); `none` starts and exits. Their difference is what a keychain read adds.
if (process.argv[2] === 'get') await Bun.secrets.get({ service: 'dev.pensar.apex', name: process.env.PROBE_ENTRY ?? 'probe' })

export {}
