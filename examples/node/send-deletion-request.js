// An upstream system's producer of deletion requests, on Confluent's own JavaScript serializer and kafkajs.
//
//   node send-deletion-request.js <bootstrap servers> <schema registry URL> <request as JSON> [topic]
//
// e.g. node send-deletion-request.js localhost:9092 http://localhost:8081/apis/ccompat/v7 \
//        '{"requestId":"ticket-1234","scope":"SUBJECT","subjectId":"user-42","reason":"GDPR Art. 17"}'
//
// The contract (docs/upstream.md): topic unlearning.deletion-requests, key = the request id as a string, value = an
// Avro DeletionRequest in the Confluent wire format under the subject unlearning.deletion-requests-value, written by
// an idempotent producer with acks=all so a retry never writes a request twice. The serializer uses the schema that
// is registered (the pipeline registers it), not one inferred from the object. Fields left out get the schema's
// defaults here; requestedAt defaults to now. Times are epoch milliseconds.
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistryClient, AvroSerializer, SerdeType } = require('@confluentinc/schemaregistry');


function withDefaults(request) {
  return {
    subjectId: null, sampleIds: [], classLabel: null, pairs: [], modelIds: [], reason: '', deadline: null,
    requestedAt: Date.now(), ...request,
  };
}

async function main() {
  const [bootstrap, registryUrl, json, topic = 'unlearning.deletion-requests'] = process.argv.slice(2);
  if (!bootstrap || !registryUrl || !json) {
    throw new Error('usage: node send-deletion-request.js <bootstrap servers> <schema registry URL> <request JSON>');
  }
  const request = withDefaults(JSON.parse(json));
  if (!request.requestId || !request.scope) {
    throw new Error('the request needs requestId and scope (SAMPLES, SUBJECT, CLASS or PAIRS)');
  }
  const registry = new SchemaRegistryClient({ baseURLs: [registryUrl], maxRetries: 2 });
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
  const value = await serializer.serialize(topic, request);

  const kafka = new Kafka({ clientId: 'upstream-example', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const [sent] = await producer.send({
      topic, acks: -1, messages: [{ key: request.requestId, value: Buffer.from(value) }],
    });
    process.stdout.write(`sent ${request.requestId} to ${topic}-${sent.partition}@${sent.baseOffset}\n`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`send-deletion-request.js failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
