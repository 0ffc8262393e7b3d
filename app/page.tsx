import { AppShell } from "./components/app-shell";

export default function HomePage() {
  return <AppShell sessionId={null} />;
}
