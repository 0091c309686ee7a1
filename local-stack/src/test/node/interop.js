// Confluent's own JavaScript serde against our registry, so ConfluentInteropIT can prove that bytes written by
// Confluent's code are read by AvroSerde and the other way round.
//
//   node interop.js serialize   <registry-url> <topic> <record as JSON>   -> prints the value bytes as hex
//   node interop.js deserialize <registry-url> <topic> <value bytes as hex> -> prints the record as JSON
//
// The serializer does not register schemas: it uses the latest version under <topic>-value, which the Java side
// registered (auto-registration would infer a schema from the JS object, which is not our contract).
// timestamp-millis fields are plain numbers (epoch milliseconds) here: the serde hands the options to avsc
// without logical types.
'use strict';

const {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');

async function main() {
  const [mode, url, topic, payload] = process.argv.slice(2);
  if (!mode || !url || !topic || payload === undefined) {
    throw new Error('usage: node interop.js serialize|deserialize <registry-url> <topic> <json|hex>');
  }
  const client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 2 });
  if (mode === 'serialize') {
    const serializer = new AvroSerializer(client, SerdeType.VALUE,
      { autoRegisterSchemas: false, useLatestVersion: true });
    const bytes = await serializer.serialize(topic, JSON.parse(payload));
    process.stdout.write(Buffer.from(bytes).toString('hex') + '\n');
  } else if (mode === 'deserialize') {
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    const record = await deserializer.deserialize(topic, Buffer.from(payload, 'hex'));
    process.stdout.write(JSON.stringify(record) + '\n');
  } else {
    throw new Error(`unknown mode ${mode}; use serialize or deserialize`);
  }
}

main().catch((err) => {
  process.stderr.write(`interop.js failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
