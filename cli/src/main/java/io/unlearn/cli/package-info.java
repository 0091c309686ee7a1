/** {@code bin/unlearn}: the command line for operators and auditors, its exit codes and its connection options. */
package io.unlearn.cli;
