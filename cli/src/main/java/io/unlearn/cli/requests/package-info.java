/** Deletion-request files (JSON lines, CSV) read and checked line by line, and what became of each request. */
package io.unlearn.cli.requests;
