/** The {@code denoiser} family: a DDPM noise predictor, its training, sampling, SISS and baselines, and metrics. */
package io.unlearn.unlearning.internal.denoiser;
