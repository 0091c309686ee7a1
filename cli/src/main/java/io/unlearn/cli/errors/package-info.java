/** The CLI's exceptions; each carries the exit code it ends the command with. */
package io.unlearn.cli.errors;
