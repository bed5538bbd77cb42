import { defineCommand, runMain } from 'citty'; runMain(defineCommand({ meta: { name: 'floor', version: '0.0.0' }, run() {} }))
