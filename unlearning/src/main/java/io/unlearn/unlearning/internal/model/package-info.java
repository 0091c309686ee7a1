/**
 * The DJL blocks of each model family and their versioned save format (internal): {@link
 * io.unlearn.unlearning.internal.model.ClassifierModel} (built-in CNN), {@link
 * io.unlearn.unlearning.internal.model.DkvbModel} and {@link io.unlearn.unlearning.internal.model.TorchScriptClassifier}
 * (a TorchScript module whose forward returns (embedding, logits)).
 */
package io.unlearn.unlearning.internal.model;
