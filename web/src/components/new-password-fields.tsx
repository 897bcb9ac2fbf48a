/** A new password typed twice; the form compares the two before sending (see passwordsDiffer). */
export function NewPasswordFields(props: {
  password: string;
  repeat: string;
  onPassword: (value: string) => void;
  onRepeat: (value: string) => void;
}) {
  return (
    <>
      <label>
        New password (at least 12 characters)
        <input
          type="password"
          autoComplete="new-password"
          value={props.password}
          onChange={(e) => props.onPassword(e.target.value)}
          required
        />
      </label>
      <label>
        Repeat the new password
        <input
          type="password"
          autoComplete="new-password"
          value={props.repeat}
          onChange={(e) => props.onRepeat(e.target.value)}
          required
        />
      </label>
    </>
  );
}

/** The error a form shows when the two entries of a new password differ, or null when they match. */
export function passwordsDiffer(password: string, repeat: string): Error | null {
  return password === repeat ? null : new Error('The two new passwords are not the same. Type them again.');
}
