import Plumb

/// The `[webhook]` section of `plumb.cfg` that sends the team's alerts to `url`.
///
/// The suite writes what this returns into the workspace's `plumb.cfg`, as you would by hand.
func webhookSettings(url: String) throws -> String {
  "[webhook]\nurl = \(url)\nsummary = always\nformat = json\n"
}
