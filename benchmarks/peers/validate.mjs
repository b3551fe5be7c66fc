// shacl-engine on the same data and shapes as cityrdf's validator (benchmarks/shacl_peers.py).
// Usage: node validate.mjs [--sparql] DATA.nt SHAPES.ttl [MORE_SHAPES.ttl …]; prints one JSON line.
// --sparql adds the engine's SHACL-SPARQL plugin (it runs one Comunica query per focus node).
// The time covers parsing and validation, as cityrdf's does (load included).
import fs from 'node:fs'
import { StreamParser } from 'n3'
import rdf from 'rdf-ext'
import { Validator } from 'shacl-engine'
import { validations } from 'shacl-engine/sparql.js'

async function read (file, dataset) {
  const parser = new StreamParser({ format: file.endsWith('.nt') ? 'N-Triples' : 'Turtle' })
  fs.createReadStream(file).pipe(parser)
  for await (const quad of parser) dataset.add(quad)
  return dataset
}

const args = process.argv.slice(2)
const sparql = args[0] === '--sparql'
const [dataFile, ...shapeFiles] = sparql ? args.slice(1) : args
const started = process.hrtime.bigint()
const data = await read(dataFile, rdf.dataset())
const shapes = rdf.dataset()
for (const file of shapeFiles) await read(file, shapes)
const validator = new Validator(shapes, sparql ? { factory: rdf, validations } : { factory: rdf })
const report = await validator.validate({ dataset: data })
const seconds = Number(process.hrtime.bigint() - started) / 1e9
console.log(JSON.stringify({ seconds, conforms: report.conforms, results: report.results.length }))
