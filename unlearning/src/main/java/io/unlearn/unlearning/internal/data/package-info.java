/** IDX loading, synthetic images, subjects and forget/retain/test splits (internal). */
package io.unlearn.unlearning.internal.data;
