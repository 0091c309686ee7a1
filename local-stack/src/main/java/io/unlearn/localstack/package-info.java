/** Real infrastructure on one machine (a KRaft Kafka broker and an Apicurio schema registry) for tests, the demo and the launcher. */
package io.unlearn.localstack;
