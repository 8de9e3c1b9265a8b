"""Courses that stand alone in the catalogue: Championing Fairness (paragraph 41), the
annual integrity health check (paragraph 54), inclusion training for assessors
(paragraphs 16 and 29), equality assessment training (paragraph 58) and the dilemma of
the month (paragraph 53)."""

from .markup import SUPPORT, h3, ol, p, ul

FAIR_DECISIONS = {
    "slug": "leading-fairly",
    "title": "Leading fairly as a new first line leader",
    "summary": "Fair decisions about work, development, attendance and complaints, and the law behind them.",
    "minutes": 40,
    "screens": [
        (
            "Why fairness is a leadership skill",
            [
                (
                    "text",
                    p(
                        "Championing Fairness is part of Passport to Management, for every newly promoted first "
                        "line leader. As a new sergeant or supervisor you now make decisions that affect people's "
                        "careers every week: who gets the training course, whose overtime is approved, whose "
                        "sickness triggers a meeting, whose complaint is taken seriously.",
                        "People notice patterns. If the same people always get opportunities, others will "
                        "conclude the system is not for them, and the force's data show that people from "
                        "under-represented groups are more likely to feel this and more likely to leave.",
                    ),
                ),
                (
                    "text",
                    h3("The law in brief")
                    + p(
                        "The Equality Act 2010 protects nine characteristics: age, disability, gender "
                        "reassignment, marriage and civil partnership, pregnancy and maternity, race, religion or "
                        "belief, sex, and sexual orientation. It prohibits direct and indirect discrimination, "
                        "harassment and victimisation, and requires reasonable adjustments for disabled people. "
                        "The Public Sector Equality Duty requires the force to have due regard to eliminating "
                        "discrimination, advancing equality of opportunity and fostering good relations."
                    ),
                ),
            ],
        ),
        (
            "Fair allocation and development",
            [
                (
                    "text",
                    ul(
                        "Keep a simple record of who gets developmental work, acting-up and courses. Review it "
                        "every quarter.",
                        "Advertise opportunities to the whole team rather than tapping someone on the shoulder.",
                        "Explain decisions, especially to people who were not chosen.",
                        "Apply attendance and performance procedures consistently, and consider reasonable "
                        "adjustments before formal action.",
                        "Make flexible working decisions on the business case, not on assumptions about who "
                        "'needs' it.",
                    ),
                ),
                ("reflect", "If someone looked at your last three months of decisions, what pattern would they see?"),
            ],
        ),
        (
            "A dilemma: the acting-up opportunity",
            [
                (
                    "scenario",
                    "Two weeks as acting sergeant",
                    p(
                        "You need someone to act up for two weeks. Your instinct is to ask Dan, who is confident, "
                        "reliable and reminds you of yourself. Priya has passed the sergeants' exam, is equally "
                        "capable and has never been asked. She works compressed hours because of caring "
                        "responsibilities.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Ask Dan: he is the safe choice.",
                            p(
                                "'Reminds me of myself' is affinity bias. Repeated over time, choices like this "
                                "mean opportunities flow to people like the decision-maker. Priya's hours are "
                                "not a reason to pass her over, and assuming they are could be discriminatory."
                            ),
                        ),
                        (
                            "Offer it to the team, set out what it needs, and choose on that.",
                            p(
                                "This is fair and transparent. Talk to Priya about whether her pattern can work "
                                "for the two weeks rather than assuming it cannot."
                            ),
                        ),
                        (
                            "Split it: one week each.",
                            p(
                                "This can be a good solution if it works operationally, and it widens "
                                "development. Make the decision openly and explain it."
                            ),
                        ),
                    ],
                    p("Fair is not the same as identical: it means open, consistent and explained decisions."),
                ),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "How many protected characteristics does the Equality Act 2010 list?",
                            "single",
                            [("Five.", False), ("Nine.", True), ("Twelve.", False)],
                            p(
                                "Age, disability, gender reassignment, marriage and civil partnership, pregnancy "
                                "and maternity, race, religion or belief, sex and sexual orientation."
                            ),
                        ),
                        (
                            "Which make allocation of opportunities fairer?",
                            "multiple",
                            [
                                ("Advertising opportunities to the whole team.", True),
                                ("Choosing the person who reminds you of yourself.", False),
                                ("Reviewing who has had opportunities over time.", True),
                                ("Explaining decisions to those not chosen.", True),
                            ],
                            p("Open, reviewed and explained decisions counter affinity bias."),
                        ),
                        (
                            "A team member works compressed hours for caring reasons. Should that stop you "
                            "offering them an acting-up opportunity?",
                            "single",
                            [
                                ("Yes, acting up needs full-time availability.", False),
                                ("No: discuss how it could work rather than assuming it cannot.", True),
                            ],
                            p(
                                "Assuming someone with caring responsibilities cannot take an opportunity may be "
                                "indirect sex discrimination and wastes talent. Have the conversation."
                            ),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

INTEGRITY_MODULE = {
    "slug": "standards-and-integrity",
    "title": "Standards of professional behaviour",
    "summary": "The standards, what to declare, and your duty to challenge and report. Taken every year.",
    "minutes": 30,
    "screens": [
        (
            "The standards we all sign up to",
            [
                (
                    "text",
                    p(
                        "This annual health check reminds everyone of the Standards of Professional Behaviour "
                        "and the force policies that go with them. Police officers are bound by the standards "
                        "in the conduct regulations; police staff by equivalent standards in their conduct "
                        "procedures. They apply on and off duty, in person and online.",
                    )
                    + ol(
                        "Honesty and integrity.",
                        "Authority, respect and courtesy.",
                        "Equality and diversity.",
                        "Use of force.",
                        "Orders and instructions.",
                        "Duties and responsibilities.",
                        "Confidentiality.",
                        "Fitness for work.",
                        "Discreditable conduct.",
                        "Challenging and reporting improper conduct.",
                    ),
                ),
            ],
        ),
        (
            "What to declare",
            [
                (
                    "text",
                    ul(
                        "Business interests and second jobs: declare them and get approval before you start.",
                        "Notifiable associations: relationships with people involved in crime, declared so they "
                        "can be managed, protecting you and the force.",
                        "Gifts and hospitality: declare them in the register, and refuse anything that could be "
                        "seen to influence you.",
                        "Changes in your circumstances that affect your vetting, such as significant debt.",
                    )
                    + p("Declaring is not an admission of wrongdoing. Failing to declare is what creates risk."),
                ),
                (
                    "text",
                    h3("Abuse of position")
                    + p(
                        "Using your role to pursue a sexual or improper emotional relationship with anyone, "
                        "especially victims, witnesses and vulnerable people, is serious corruption. Any "
                        "colleague's behaviour that suggests it must be reported."
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the friend request",
            [
                (
                    "scenario",
                    "After the domestic abuse call",
                    p(
                        "A colleague tells you they have been messaging a domestic abuse victim from a job last "
                        "month on social media, 'just to check she's OK'. The messages have become personal.",
                    ),
                    "What would you do?",
                    [
                        (
                            "It is their private life: say nothing.",
                            p(
                                "Contact with a vulnerable victim met through work that becomes personal is a "
                                "recognised warning sign of abuse of position. Staying silent breaches your own "
                                "duty to report."
                            ),
                        ),
                        (
                            "Tell them to stop, and report it.",
                            p(
                                "Right. Report it to your supervisor or Professional Standards. It protects the "
                                "victim first, and your colleague from going further."
                            ),
                        ),
                    ],
                    p("The victim's safety comes first. Report concerns even if you are not certain."),
                ),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Do the Standards of Professional Behaviour apply off duty?",
                            "single",
                            [("Yes.", True), ("No, only on duty.", False)],
                            p("They apply on and off duty, including online."),
                        ),
                        (
                            "Which must be declared?",
                            "multiple",
                            [
                                ("A second job or business interest.", True),
                                ("A close relationship with someone involved in crime.", True),
                                ("Your favourite football team.", False),
                                ("A gift offered by a member of the public.", True),
                            ],
                            p("Business interests, notifiable associations and gifts must all be declared."),
                        ),
                        (
                            "A colleague's contact with a victim has become personal. What should you do?",
                            "single",
                            [
                                ("Nothing unless the victim complains.", False),
                                ("Report it.", True),
                                ("Warn the colleague and keep it between you.", False),
                            ],
                            p("Possible abuse of position must always be reported."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

ASSESSOR_MODULE = {
    "slug": "fair-assessment",
    "title": "Fair assessment on recruitment and promotion panels",
    "summary": "Protected characteristics, bias in assessment, positive action and consistent scoring.",
    "minutes": 45,
    "screens": [
        (
            "Why assessors need this training",
            [
                (
                    "text",
                    p(
                        "Everyone involved in recruitment and promotion, as an assessor, panel member or quality "
                        "assurer, completes this training. Panels make decisions that shape who the force "
                        "becomes. The force is introducing more diverse assessment panels and benchmarking "
                        "assessments for consistency, and encourages staff networks to take part as assessors.",
                        "The Equality Act 2010 protects nine characteristics: age, disability, gender "
                        "reassignment, marriage and civil partnership, pregnancy and maternity, race, religion or "
                        "belief, sex, and sexual orientation. Candidates must not be treated less favourably "
                        "because of any of them.",
                    ),
                ),
            ],
        ),
        (
            "Bias in assessment",
            [
                (
                    "text",
                    ul(
                        "Halo and horns: one strong or weak answer colours your view of everything else.",
                        "Affinity: warming to candidates who share your background, interests or style.",
                        "Confirmation: looking for evidence that fits your first impression.",
                        "Contrast: scoring a candidate against the one before, not against the standard.",
                    )
                    + p("Structured assessment reduces all of these:")
                    + ol(
                        "Use the same questions and the same marking guide for every candidate.",
                        "Record evidence during the interview, and score against the indicators afterwards.",
                        "Score independently before the panel discusses.",
                        "Benchmark: compare scores across panels and explain outliers.",
                    ),
                ),
            ],
        ),
        (
            "Positive action, not positive discrimination",
            [
                (
                    "text",
                    p(
                        "Positive action is lawful. Under section 158 of the Equality Act the force can take "
                        "proportionate steps to help under-represented groups compete, such as targeted "
                        "outreach, mentoring and exam support. Under section 159, where two candidates are as "
                        "qualified as each other, a protected characteristic that is under-represented can be "
                        "used as a tie-breaker, as long as there is no general policy of doing so.",
                        "Positive discrimination, choosing someone less qualified because of a protected "
                        "characteristic, or setting quotas, is unlawful. Assessors must score on merit against "
                        "the standard.",
                    ),
                ),
                (
                    "text",
                    h3("Reasonable adjustments")
                    + p(
                        "Disabled candidates are entitled to reasonable adjustments, such as extra time, a "
                        "different format or breaks. Adjustments are agreed before the assessment. Never note or "
                        "score an adjustment as a weakness."
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the panel discussion",
            [
                (
                    "scenario",
                    "He'd fit right in",
                    p(
                        "After an interview for sergeant, a fellow panel member says, \"He'd fit right in, he's "
                        "one of us,\" and suggests raising his score. The candidate's evidence met the standard "
                        "but did not exceed it. A candidate earlier in the day, a woman from a Sikh background, "
                        "gave stronger evidence and was scored lower by the same panel member.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Agree: fit matters in a team.",
                            p(
                                "'One of us' is affinity bias. Raising a score without evidence breaches the "
                                "process and may be discriminatory."
                            ),
                        ),
                        (
                            "Bring the panel back to the evidence and the marking guide.",
                            p(
                                "Right. Ask which indicator the evidence meets. Consider asking the quality "
                                "assurer to review both candidates' scores against the benchmark."
                            ),
                        ),
                    ],
                    p("Scores follow evidence. Challenge 'fit' when it means 'similar to us'."),
                ),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Which is lawful under the Equality Act 2010?",
                            "single",
                            [
                                ("Appointing a less qualified candidate to meet a quota.", False),
                                (
                                    "Using an under-represented characteristic as a tie-breaker between equally "
                                    "qualified candidates.",
                                    True,
                                ),
                                ("Reserving promotions for one group.", False),
                            ],
                            p(
                                "Section 159 allows a tie-breaker between candidates who are as qualified as "
                                "each other."
                            ),
                        ),
                        (
                            "Which reduce bias in assessment?",
                            "multiple",
                            [
                                ("The same questions and marking guide for every candidate.", True),
                                ("Scoring independently before discussion.", True),
                                ("Adjusting scores for 'fit' with the team.", False),
                                ("Benchmarking scores across panels.", True),
                            ],
                            p("Structure, independent scoring and benchmarking all counter bias."),
                        ),
                        (
                            "A disabled candidate had extra time as an agreed adjustment. How should it affect "
                            "their score?",
                            "single",
                            [
                                ("Not at all.", True),
                                ("Deduct a mark.", False),
                                ("Note it as a development need.", False),
                            ],
                            p("Reasonable adjustments must never count against a candidate."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

STANDALONE_COURSES = [
    {
        "code": "CHAMPIONING-FAIRNESS",
        "slug": "championing-fairness",
        "title": "Championing Fairness",
        "label": "Passport to Management",
        "summary": (
            "The Championing Fairness session of Passport to Management, for every newly promoted first line "
            "leader: leading fairly and increasing belonging."
        ),
        "outcomes": ul(
            "Explain the Equality Act 2010 and the Public Sector Equality Duty as they affect a team leader.",
            "Make open, consistent and explained decisions about work and development.",
            "Recognise affinity bias in your own decisions.",
        ),
        "audience": "Newly promoted first line leaders: sergeants and police staff supervisors.",
        "tags": ["Newly promoted leaders", "First line leaders"],
        "topic": "fairness-and-belonging",
        "mode": "online",
        "minutes": 40,
        "modules": [FAIR_DECISIONS],
    },
    {
        "code": "INTEGRITY-HEALTH-CHECK",
        "slug": "annual-integrity-health-check",
        "title": "Annual integrity health check",
        "label": "",
        "summary": (
            "Every year, everyone refreshes the Standards of Professional Behaviour, what to declare and the duty "
            "to challenge and report."
        ),
        "outcomes": ul(
            "Recall the Standards of Professional Behaviour.",
            "Know what to declare and how.",
            "Recognise abuse of position and report it.",
        ),
        "audience": "All officers and staff, every year.",
        "tags": ["All employees"],
        "topic": "integrity-and-standards",
        "mode": "online",
        "minutes": 30,
        "reflection_weeks": "",
        "modules": [INTEGRITY_MODULE],
    },
    {
        "code": "ASSESSOR-INCLUSION",
        "slug": "inclusion-for-assessors",
        "title": "Inclusion training for recruitment and promotion assessors",
        "label": "",
        "summary": (
            "Diversity and inclusion training for everyone on recruitment and promotion panels: the law, bias in "
            "assessment and fair, consistent scoring."
        ),
        "outcomes": ul(
            "Apply the Equality Act 2010 to recruitment and promotion, including positive action.",
            "Recognise and reduce bias in assessment.",
            "Score consistently against the standard and support reasonable adjustments.",
        ),
        "audience": "Anyone who assesses, sits on a panel or quality-assures recruitment or promotion.",
        "tags": ["Recruitment and promotion assessors"],
        "topic": "fair-recruitment-and-promotion",
        "mode": "online",
        "minutes": 45,
        "modules": [ASSESSOR_MODULE],
    },
]


EQUALITY_ASSESSMENT_MODULE = {
    "slug": "doing-an-equality-assessment",
    "title": "Doing an equality assessment",
    "summary": "Showing due regard under the Public Sector Equality Duty before a policy, project or change goes live.",
    "minutes": 45,
    "screens": [
        (
            "Why we assess",
            [
                (
                    "text",
                    p(
                        "The Public Sector Equality Duty (section 149 of the Equality Act 2010) requires the force, "
                        "in everything it does, to have due regard to the need to eliminate discrimination, "
                        "harassment and victimisation; to advance equality of opportunity; and to foster good "
                        "relations between people who share a protected characteristic and people who do not.",
                        "An equality assessment is how we show that regard was had, at the time, by the people "
                        "making the decision. It is not a form filled in afterwards: courts look for evidence that "
                        "the duty was considered before the decision, with rigour and an open mind.",
                    ),
                ),
                (
                    "text",
                    h3("When one is needed")
                    + ul(
                        "Every new policy, procedure or project, and every significant change to one.",
                        "Decisions about where services are located, how they are staffed or who they reach.",
                        "Operational tactics and technologies that affect groups differently, such as stop and "
                        "search priorities or new data tools.",
                        "Workforce changes: restructures, shift patterns, selection processes.",
                    ),
                ),
            ],
        ),
        (
            "The steps",
            [
                (
                    "text",
                    ol(
                        "Describe the aim of the policy or change and who it affects: staff, communities, victims, "
                        "witnesses, suspects.",
                        "Gather evidence: force data broken down by protected characteristic, complaints, "
                        "community feedback, staff network views, research.",
                        "Engage the people affected, including staff networks and independent advisory groups, "
                        "early enough to change the outcome.",
                        "Assess the likely effect on each protected characteristic: positive, negative or neutral, "
                        "and why.",
                        "Decide: proceed, adjust to remove or reduce a disadvantage, justify a disadvantage that "
                        "is a proportionate means of a legitimate aim, or stop.",
                        "Record the decision and a plan to monitor the actual effect, and review it.",
                    ),
                ),
                (
                    "reflect",
                    "Think of a change in your area in the last year. Whose view was missing when it was decided?",
                ),
            ],
        ),
        (
            "A dilemma: the front counter closures",
            [
                (
                    "scenario",
                    "Closing two front counters",
                    p(
                        "To save money, a project proposes closing the front counters at two stations and moving "
                        "reporting online. The project board meets next week and asks you to 'do the equality "
                        "assessment' by then. The data show that older residents and people without English as a "
                        "first language use those counters most.",
                    ),
                    "What would you do?",
                    [
                        (
                            "Complete the form from the project plan and note 'no impact identified'.",
                            p(
                                "The evidence already points to an impact on age and on race (through language). A "
                                "form that ignores it does not show due regard and would not survive a challenge."
                            ),
                        ),
                        (
                            "Tell the board the assessment needs evidence and engagement, and propose mitigations.",
                            p(
                                "Right. Set out the likely impact, engage the groups affected and the independent "
                                "advisory group, and propose mitigations such as appointment-based reporting or "
                                "assisted online reporting, so the board decides with the facts."
                            ),
                        ),
                        (
                            "Recommend the project is stopped.",
                            p(
                                "Possibly, but not yet: the duty is to consider the effects properly, not to "
                                "prevent every change. A disadvantage can be justified or reduced."
                            ),
                        ),
                    ],
                    p("Due regard means the decision-makers see the evidence before they decide."),
                ),
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "When should an equality assessment be done?",
                            "single",
                            [
                                ("Before the decision, while it can still change the outcome.", True),
                                ("After the policy is published, to record what was decided.", False),
                                ("Only when someone complains.", False),
                            ],
                            p("The duty must be considered at the time, before the decision."),
                        ),
                        (
                            "Which are aims of the Public Sector Equality Duty?",
                            "multiple",
                            [
                                ("Eliminating discrimination, harassment and victimisation.", True),
                                ("Advancing equality of opportunity.", True),
                                ("Fostering good relations.", True),
                                ("Treating everyone identically whatever their needs.", False),
                            ],
                            p("The three aims are in section 149; equal opportunity may need different treatment."),
                        ),
                        (
                            "The evidence shows a change will disadvantage one group. What are the options?",
                            "single",
                            [
                                ("Adjust it, justify it as proportionate, or stop it, and record why.", True),
                                ("Proceed: the assessment has been done.", False),
                            ],
                            p("An assessment that finds a disadvantage must lead to a reasoned decision."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

DILEMMA_MODULE = {
    "slug": "this-months-dilemma",
    "title": "This month's dilemma: the joke in the group chat",
    "summary": "A short, real-world dilemma about racism and banter, to discuss with your team.",
    "minutes": 10,
    "screens": [
        (
            "When banter is not banter",
            [
                (
                    "text",
                    p(
                        "Each month a short dilemma asks leaders to think through a situation our people really "
                        "meet, and to talk about it with their teams. This month's is about racism dressed up "
                        "as humour.",
                        "Calling something banter does not change what it is. Harassment under the Equality Act "
                        "2010 is unwanted conduct related to a protected characteristic that violates someone's "
                        "dignity or creates an intimidating, hostile, degrading, humiliating or offensive "
                        "environment, whatever the intention. Colleagues who share the characteristic often say "
                        "nothing at the time, for fear of being seen as unable to take a joke.",
                    ),
                ),
                ("reflect", "When did you last hear something at work passed off as a joke that you let go?"),
            ],
        ),
        (
            "The dilemma",
            [
                (
                    "scenario",
                    "The joke in the group chat",
                    p(
                        "Your shift has a messaging group for arranging cover. Late one night someone posts a "
                        "'joke' meme that mocks an ethnic group. Two people react with laughing faces; nobody "
                        "says anything. One of your team, who is from that group, is in the chat and has not "
                        "replied.",
                    ),
                    "As their leader, what would you do?",
                    [
                        (
                            "Leave it: it is a private chat and it was only a joke.",
                            p(
                                "Messages between colleagues about work are not private in the way that matters: "
                                "the standards apply online and off duty, and silence tells the whole group, "
                                "including the person targeted, that this is acceptable."
                            ),
                        ),
                        (
                            "Post in the chat that it is not acceptable, then follow it up properly.",
                            p(
                                "Right. Challenge it where it happened, check on your colleague privately, and "
                                "report it: discriminatory messages can be gross misconduct, and the duty to "
                                "challenge and report applies to everyone who saw it."
                            ),
                        ),
                        (
                            "Message the sender privately and ask them to delete it.",
                            p(
                                "Better than nothing, but the group saw it and saw no challenge, and deleting it "
                                "can destroy evidence. It still needs reporting."
                            ),
                        ),
                    ],
                    p("Talk about this one at your next briefing: what would each of you do?"),
                ),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Do the standards of professional behaviour apply to a work group chat?",
                            "single",
                            [("Yes, on and off duty, online too.", True), ("No, it is private.", False)],
                            p("The standards apply online and off duty."),
                        ),
                        (
                            "Who has a duty to challenge and report the message?",
                            "single",
                            [("Everyone who saw it.", True), ("Only the person targeted.", False)],
                            p("Challenging and reporting improper conduct is everyone's duty."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

STANDALONE_COURSES += [
    {
        "code": "EQUALITY-ASSESSMENT",
        "slug": "equality-assessment-training",
        "title": "Equality assessment training",
        "label": "",
        "summary": (
            "How to show due regard under the Public Sector Equality Duty: evidence, engagement and a reasoned "
            "decision before a policy, project or change goes live. Refreshed every year."
        ),
        "outcomes": ul(
            "Explain the Public Sector Equality Duty and when an equality assessment is needed.",
            "Carry out an assessment with evidence and engagement.",
            "Reach and record a reasoned decision and a plan to monitor it.",
        ),
        "audience": "Middle and senior leaders, and anyone who owns a policy, project or change.",
        "tags": ["Middle leaders", "Senior leaders"],
        "topic": "fairness-and-belonging",
        "mode": "online",
        "minutes": 45,
        "modules": [EQUALITY_ASSESSMENT_MODULE],
    },
    {
        "code": "DILEMMA-OF-THE-MONTH",
        "slug": "dilemma-of-the-month",
        "title": "Dilemma of the month",
        "label": "",
        "summary": "A short dilemma every month for leaders to work through and discuss with their teams.",
        "outcomes": ul(
            "Recognise discrimination disguised as banter.",
            "Challenge it, support the person targeted and report it.",
        ),
        "audience": "All leaders, every month, to discuss with their teams.",
        "tags": ["First line leaders", "Middle leaders", "Senior leaders"],
        "topic": "integrity-and-standards",
        "mode": "online",
        "minutes": 10,
        "reflection_weeks": "",
        "modules": [DILEMMA_MODULE],
    },
]
