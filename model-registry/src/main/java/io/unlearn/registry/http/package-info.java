/** The registry's REST API and web page on the JDK HTTP server, rendering RegistryState as JSON. */
package io.unlearn.registry.http;
