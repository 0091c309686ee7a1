// An auditor's consumer: follows the request statuses, the verifier's verdicts and the lineage log, and prints one
// JSON document per event (the Node counterpart of `bin/unlearn audit --json`).
//
//   node follow-audit-trail.js <bootstrap servers> <schema registry URL> [--request ID] [--follow]
//       [--topics status,verifications,lineage]
//
// It reads from the beginning and, without --follow, stops once it has read what the topics held when it started.
// It uses no consumer group (it assigns every partition itself), so it moves nobody's offsets; records come from
// committed transactions only (kafkajs' readUncommitted: false), as the pipeline writes them in transactions.
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistryClient, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');

function options(argv) {
  const [bootstrap, registryUrl, ...rest] = argv;
  if (!bootstrap || !registryUrl) {
    throw new Error('usage: node follow-audit-trail.js <bootstrap servers> <schema registry URL> [--request ID]'
      + ' [--follow] [--topics status,verifications,lineage]');
  }
  const o = { bootstrap, registryUrl, requestId: null, follow: false,
    topics: ['unlearning.request-status', 'unlearning.verifications', 'unlearning.lineage'] };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--request') o.requestId = rest[++i];
    else if (rest[i] === '--follow') o.follow = true;
    else if (rest[i] === '--topics') o.topics = rest[++i].split(',');
    else throw new Error(`unknown option ${rest[i]}`);
  }
  return o;
}

// Whether an event concerns the request: its statuses, and verdicts and lineage events naming it.
function concerns(record, requestId) {
  if (!requestId) return true;
  if (record.requestId !== undefined) return record.requestId === requestId;
  return Array.isArray(record.requestIds) && record.requestIds.includes(requestId);
}

async function main() {
  const o = options(process.argv.slice(2));
  const registry = new SchemaRegistryClient({ baseURLs: [o.registryUrl], maxRetries: 2 });
  const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  const kafka = new Kafka({ clientId: 'audit-example', brokers: o.bootstrap.split(','), logLevel: logLevel.WARN });

  // The end of each partition now: without --follow, reading stops there.
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map();
  for (const topic of o.topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (Number(p.high) > Number(p.low)) remaining.set(`${topic}/${p.partition}`, Number(p.high));
    }
  }
  await admin.disconnect();

  // kafkajs consumes through a group; a fresh, never-committing group per run stands in for plain assignment.
  const consumer = kafka.consumer({ groupId: `audit-example-${process.pid}-${Date.now()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: o.topics, fromBeginning: true });
  let printed = 0;
  await new Promise((resolve, reject) => {
    if (!o.follow && remaining.size === 0) { resolve(); return; }
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const record = await deserializer.deserialize(topic, message.value);
        if (concerns(record, o.requestId)) {
          process.stdout.write(JSON.stringify({ topic, partition, offset: Number(message.offset), record },
            (k, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
          printed++;
        }
        const key = `${topic}/${partition}`;
        if (!o.follow && remaining.has(key) && Number(message.offset) + 1 >= remaining.get(key)) {
          remaining.delete(key);
          if (remaining.size === 0) resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  process.stderr.write(`${printed} events${o.requestId ? ` about request ${o.requestId}` : ''}\n`);
}

main().catch((err) => {
  process.stderr.write(`follow-audit-trail.js failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
