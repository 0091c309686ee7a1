/** The one place that runs gradient steps and forward passes, counts their cost and logs progress (internal). */
package io.unlearn.unlearning.internal.train;
