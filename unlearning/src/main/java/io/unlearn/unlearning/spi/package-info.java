/** The stable surface services call: methods, model handles, data selections, settings, costs and metrics. */
package io.unlearn.unlearning.spi;
