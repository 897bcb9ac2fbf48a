import { flushSync } from 'react-dom';

/**
 * Puts a read into a field the way a keyboard-wedge scanner does: the text as input, then Enter. The field's
 * own Enter handling applies (the lookup searches, a serial list adds a chip); where nothing handles Enter
 * and the field is in a form, the form is submitted, as a browser does for a typed Enter.
 */
export function typeIntoField(input: HTMLInputElement, text: string): void {
  // React tracks an input's value itself: set it through the native setter so the input event is seen as a
  // change, and render it before Enter arrives, so the Enter handler reads this text.
  flushSync(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const enter = new KeyboardEvent('keydown', {
    key: 'Enter',
    code: 'Enter',
    bubbles: true,
    cancelable: true,
  });
  if (input.dispatchEvent(enter) && input.form) input.form.requestSubmit();
}
