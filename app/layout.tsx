import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppProviders } from "./components/app-providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "BooChat",
  description: "Run AI coding agents against your own git repositories without losing work",
  // The files in public/ (scripts/render-icons.mjs makes the PNGs and the .ico from icon.svg).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
};

// Applies the saved (or the system's) theme before the first paint, so there is no flash.
const themeScript = `try{var t=localStorage.getItem("boochat-theme");if(t!=="light"&&t!=="dark"){t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"}document.documentElement.classList.toggle("dark",t==="dark")}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="h-dvh overflow-hidden antialiased">
        <AppProviders>{children}</AppProviders>
      </body>
    </html>
  );
}
