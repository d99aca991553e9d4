/** The Accounts page (issue 11): not built yet. */
export function AccountsPage() {
  return (
    <section>
      <h2>Accounts</h2>
      <p>Not built yet.</p>
    </section>
  );
}
