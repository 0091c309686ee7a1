/** The contracts between services: topic names with their serdes, and the schema-registry client interface. */
package io.unlearn.schemas;
