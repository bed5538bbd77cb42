// Placeholder entry point; replaced by the real citty main.
import { defineCommand, runMain } from 'citty'
import { consola } from 'consola'
import { BUILD } from './build-info'
void consola
await runMain(defineCommand({ meta: { name: 'pensar', version: `${BUILD.version} (${BUILD.commit}, ${BUILD.buildDate}, ${BUILD.target})` } }))
