/** The DJL blocks of each model family and their versioned save format (internal). */
package io.unlearn.unlearning.internal.model;
